using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

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

        // Akka restarted the balancer: its old subchannels stopped with it, and the latest addresses made new ones.
        Assert.All(channel.GetSubchannels(), s => Assert.True(s.Id > 2, $"subchannel {s.Id} outlived the restart"));
        Assert.All(new long[] { 1, 2 }, id => Assert.Equal(S.Shutdown, Transitions.Last(t => t.SubchannelId == id).To));
        Assert.Null(await CallAsync(channel, deadline: Clock.Now + TimeSpan.FromSeconds(5)));
    }
}
