using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #5: pick_first holds one connection; the others are shut down when one becomes READY.</summary>
public class PickFirstSingleConnectionTests : ChannelTestBase
{
    public PickFirstSingleConnectionTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public async Task After_a_failed_pass_only_the_first_ready_address_stays_connected()
    {
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Equal(S.TransientFailure, channel.State);

        Transports.DefaultScript = ConnectScript.Succeed;
        await AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(S.Ready, channel.State);
        Assert.Single(Transports.Transports, t => t.IsConnected && !t.IsClosed);
        Assert.Single(channel.GetSubchannels(), s => s.State == S.Ready);
    }

    [Fact]
    public async Task Concurrent_reconnects_keep_one_connection()
    {
        foreach (var a in Addrs(3))
        {
            Transports.Script(a, ConnectScript.Fail(), ConnectScript.Hang);
        }

        var channel = await DialAsync("pick_first", Addrs(3));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        foreach (var a in Addrs(3))
        {
            Transports.Latest(a)!.CompleteConnect();
        }

        await SettleAsync();

        Assert.Equal(S.Ready, channel.State);
        Assert.Single(Transports.Transports, t => t.IsConnected && !t.IsClosed);
        Assert.Single(channel.GetSubchannels(), s => s.State == S.Ready);
        Assert.Equal(3, channel.GetSubchannels().Count);

        // The chosen connection is lost: pick_first goes IDLE and a call starts a fresh pass from the first address.
        var chosen = Transports.Transports.Single(t => t.IsConnected && !t.IsClosed);
        chosen.Lose();
        await SettleAsync();
        Assert.Equal(S.Idle, channel.State);
        Assert.Null(await CallAsync(channel, waitForReady: true, deadline: Clock.Now + TimeSpan.FromSeconds(5)));
        Assert.Single(Transports.Transports, t => t.IsConnected && !t.IsClosed);
    }
}
