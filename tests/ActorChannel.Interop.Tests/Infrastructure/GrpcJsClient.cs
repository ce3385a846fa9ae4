using Xunit;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>Runs tests/peers/client.js (grpc-js) against a target and collects its "PASS/FAIL case" lines.</summary>
public static class GrpcJsClient
{
    public static async Task<(IReadOnlyList<string> Lines, int ExitCode)> RunAsync(string target, params string[] extra)
    {
        await using var client = PeerProcess.Start(PeerPaths.Node, [PeerPaths.Script("client.js"), "--target", target, .. extra]);
        var exit = await client.WaitForExitAsync(TimeSpan.FromSeconds(120));
        var lines = client.Lines.ToList();
        if (!lines.Any(l => l.StartsWith("PASS ", StringComparison.Ordinal) || l.StartsWith("FAIL ", StringComparison.Ordinal)))
        {
            lines.Add("STDERR " + client.Stderr);
        }

        return (lines, exit);
    }

    public static void AssertPassed(IReadOnlyList<string> lines, string name)
    {
        var line = lines.FirstOrDefault(l => l == "PASS " + name || l.StartsWith("PASS " + name + " ", StringComparison.Ordinal)
            || l.StartsWith("FAIL " + name + ":", StringComparison.Ordinal));
        Assert.True(line is not null && line.StartsWith("PASS", StringComparison.Ordinal), $"case {name}: {line ?? "no result line"}\nall output:\n{string.Join('\n', lines)}");
    }
}
