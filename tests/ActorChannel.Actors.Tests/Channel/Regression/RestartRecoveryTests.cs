using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #8: a balancer that fails and restarts must not wedge the channel.</summary>
public class RestartRecoveryTests : ChannelTestBase
{
    public RestartRecoveryTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public async Task Balancer_restart_replays_the_addresses()
    {
        var channel = await DialAsync("round_robin", Addrs(2));
        Assert.Equal(S.Ready, channel.State);

        // round_robin draws its start index inside the balancer: make that draw throw once.
        int draws = 0;
        Random = () => Interlocked.Increment(ref draws) == 1 ? throw new InvalidOperationException("boom") : 0.5;
        Transports.Latest(Addr(1))!.Lose();
        await AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(2, channel.GetSubchannels().Count);
        Assert.Null(await CallAsync(channel, deadline: Clock.Now + TimeSpan.FromSeconds(5)));
    }
}
