using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #3 and #6: connection events that arrive while a subchannel is still CONNECTING.</summary>
public class ConnectRaceTests : ChannelTestBase
{
    public ConnectRaceTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public async Task Closed_after_settings_before_connect_finished_is_a_failed_attempt()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var first = Transports.Latest(Addr(1))!;
        int resolvesBefore = Resolver.ResolveCount;
        first.ReceiveSettings();
        first.Lose(CloseReason.EndOfStream);
        await SettleAsync();
        first.CompleteConnect();
        await SettleAsync();

        Assert.NotEqual(S.Ready, channel.State);
        Assert.Equal([(S.Idle, S.Connecting), (S.Connecting, S.TransientFailure)], Steps(TransitionsOf(Addr(1))));
        Assert.True(first.IsClosed);
        Assert.True(Resolver.ResolveCount > resolvesBefore, "a lost connection asks the resolver again");

        // After the backoff the next attempt (scripted to succeed) serves the call.
        var call = CallAsync(channel, waitForReady: true, deadline: Clock.Now + TimeSpan.FromSeconds(5));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(S.Ready, channel.State);
        Assert.Null(await call);
        Assert.Single(Transports.Latest(Addr(1))!.Calls);
        Assert.NotSame(first, Transports.Latest(Addr(1)));
    }

    [Fact]
    public async Task Goaway_while_connecting_backs_off_and_reresolves()
    {
        var channel = await DialAsync("round_robin", Addrs(1));
        Transports.DefaultScript = ConnectScript.Hang;
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        int resolvesBefore = Resolver.ResolveCount;

        for (int i = 0; i < 20; i++)
        {
            var t = Transports.Latest(Addr(1))!;
            t.ReceiveSettings();
            t.GoAway();
            await SettleAsync();
        }

        // The first connection plus one attempt: no new transport without virtual time passing.
        Assert.Equal(2, Transports.Transports.Count);
        Assert.Equal(S.TransientFailure, TransitionsOf(Addr(1)).Last().To);
        Assert.True(Resolver.ResolveCount > resolvesBefore, "a failed attempt asks the resolver again");

        await AdvanceAsync(TimeSpan.FromSeconds(1.1));
        Assert.Equal(3, Transports.Transports.Count);

        // The failed attempt counted: the next backoff is longer than the first.
        var third = Transports.Latest(Addr(1))!;
        third.ReceiveSettings();
        third.GoAway();
        await SettleAsync();
        await AdvanceAsync(TimeSpan.FromSeconds(1.1));
        Assert.Equal(3, Transports.Transports.Count);
        await AdvanceAsync(TimeSpan.FromSeconds(0.5));
        Assert.Equal(4, Transports.Transports.Count);
    }
}
