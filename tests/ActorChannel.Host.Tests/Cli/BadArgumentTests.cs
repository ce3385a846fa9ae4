using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class BadArgumentTests
{
    [Theory]
    [InlineData("weird_policy", "greet", "--target", "127.0.0.1:1", "--lb", "weird_policy")]
    [InlineData("weird_policy", "bench", "--target", "127.0.0.1:1", "--lb", "weird_policy")]
    [InlineData("not-an-ip", "greet", "--target", "ipv4:not-an-ip:80")]
    [InlineData("fragment", "watch", "--target", "dns:///host:1#frag")]
    [InlineData("--target", "greet")]
    [InlineData("banana", "bench", "--target", "127.0.0.1:1", "-d", "banana")]
    [InlineData("-c", "bench", "--target", "127.0.0.1:1", "-c", "0")]
    [InlineData("70000", "serve", "--port", "70000")]
    [InlineData("--port", "serve")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("fancy", "demo", "--output", "fancy")]
    [InlineData("sideways", "serve", "--port", "0", "--health", "sideways")]
    [InlineData("--nope", "greet", "--target", "127.0.0.1:1", "--nope")]
    public async Task End_with_one_clear_line_and_a_non_zero_exit(string mentioned, params string[] args)
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync(args).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exit);
        var line = Assert.Single(cli.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(cli.Out.ToString());
    }
}
