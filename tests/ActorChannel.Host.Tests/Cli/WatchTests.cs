using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class WatchTests
{
    [Fact]
    public async Task Prints_channel_and_subchannel_transitions_until_cancelled()
    {
        await using var server = await Backends.StartOursAsync();
        var cli = new CapturedCli();
        using var ctrlC = new CancellationTokenSource();

        var watching = cli.RunAsync(["watch", "--target", server.Address], ctrlC.Token);
        await cli.Out.WaitForLineAsync(l => l.EndsWith("channel: CONNECTING -> READY", StringComparison.Ordinal));
        await cli.Out.WaitForLineAsync(l => l.Contains($"subchannel 1 {server.Address}: CONNECTING -> READY (connected)", StringComparison.Ordinal));

        await ctrlC.CancelAsync();
        Assert.Equal(0, await watching.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains(cli.OutLines, l => l.EndsWith("channel: READY -> SHUTDOWN", StringComparison.Ordinal));
        Assert.Contains(cli.OutLines, l => l.Contains($"subchannel 1 {server.Address}: READY -> SHUTDOWN", StringComparison.Ordinal));
        Assert.Empty(cli.Error.ToString());
    }

    [Fact]
    public async Task Shows_failures_and_the_backoff_cycle_of_a_target_nobody_serves()
    {
        var address = $"127.0.0.1:{Backends.ClosedPort()}";
        var cli = new CapturedCli();
        using var ctrlC = new CancellationTokenSource();

        var watching = cli.RunAsync(["watch", "--target", address], ctrlC.Token);
        await cli.Out.WaitForLineAsync(l => l.Contains($"subchannel 1 {address}: CONNECTING -> TRANSIENT_FAILURE", StringComparison.Ordinal) && l.Contains("retrying in", StringComparison.Ordinal));
        // The channel's first line is "channel: CONNECTING -> TRANSIENT_FAILURE", or just "channel: TRANSIENT_FAILURE"
        // when the subscription reached the channel after it had already failed.
        await cli.Out.WaitForLineAsync(l => l.EndsWith("channel: CONNECTING -> TRANSIENT_FAILURE", StringComparison.Ordinal)
            || l.EndsWith("channel: TRANSIENT_FAILURE", StringComparison.Ordinal));

        // The first backoff is 1 s ± 20 %: a real wait, bounded by WaitForLineAsync's timeout.
        await cli.Out.WaitForLineAsync(l => l.Contains($"subchannel 1 {address}: TRANSIENT_FAILURE -> IDLE (backoff ended)", StringComparison.Ordinal));

        await ctrlC.CancelAsync();
        Assert.Equal(0, await watching.WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
