using Xunit;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>Runs a peer client (tests/peers/client.js for grpc-js, python_client.py for C-core) against a target and collects its "PASS/FAIL case" lines.</summary>
public static class PeerClient
{
    public static Task<(IReadOnlyList<string> Lines, int ExitCode)> RunGrpcJsAsync(string target, params string[] extra) =>
        RunAsync(PeerPaths.Node, [PeerPaths.Script("client.js"), "--target", target, .. extra]);

    public static Task<(IReadOnlyList<string> Lines, int ExitCode)> RunPythonAsync(string target, params string[] extra) =>
        RunAsync(PeerPaths.Python, [PeerPaths.Script("python_client.py"), "--target", target, .. extra]);

    private static async Task<(IReadOnlyList<string> Lines, int ExitCode)> RunAsync(string program, string[] arguments)
    {
        await using var client = PeerProcess.Start(program, arguments);
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
