using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class HelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, new[] { "demo", "greet", "serve", "bench", "watch", "sample" })]
    [InlineData(new[] { "greet", "--help" }, new[] { "--target", "--name", "--lb", "-n" })]
    [InlineData(new[] { "serve", "--help" }, new[] { "--port", "--name", "--delay", "--health", "--tls" })]
    [InlineData(new[] { "bench", "--help" }, new[] { "--target", "-c", "-d", "--lb" })]
    [InlineData(new[] { "watch", "--help" }, new[] { "--target" })]
    [InlineData(new[] { "demo", "--help" }, new[] { "--duration", "--output" })]
    [InlineData(new[] { "sample", "--help" }, new[] { "worker", "actors" })]
    [InlineData(new[] { "sample", "worker", "--help" }, new[] { "--target", "-n" })]
    public async Task Every_command_has_help(string[] args, string[] mentions)
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync(args);

        Assert.Equal(0, exit);
        var help = cli.Out.ToString();
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        Assert.All(mentions, m => Assert.Contains(m, help, StringComparison.Ordinal));
        Assert.Empty(cli.Error.ToString());
    }
}
