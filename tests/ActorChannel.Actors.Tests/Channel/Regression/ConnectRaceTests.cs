using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

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
        var call = CallAsync(channel, waitForReady: true, deadline: Clock.GetUtcNow() + TimeSpan.FromSeconds(5));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(S.Ready, channel.State);
        Assert.Null(await call);
        Assert.Single(Transports.Latest(Addr(1))!.Calls);
        Assert.NotSame(first, Transports.Latest(Addr(1)));
    }
}
