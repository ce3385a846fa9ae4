using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>Each transition of the connectivity table a subchannel makes, driven through the fake transport.</summary>
public class SubchannelTransitionTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task Idle_connecting_ready_then_idle_on_connection_loss()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Assert.Equal(S.Ready, channel.State);
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal([(S.Idle, S.Connecting), (S.Connecting, S.Ready), (S.Ready, S.Idle)], Steps(Transitions));
        Assert.Equal(S.Idle, channel.State);
        Assert.True(Transports.Latest(Addr(1))!.IsClosed);
    }

    [Fact]
    public async Task Ready_to_idle_on_goaway_drains_in_flight_calls()
    {
        var release = new TaskCompletionSource<object?>();
        Transports.Handler = _ => release.Task;
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var inFlight = CallAsync(channel);
        var transport = Transports.Latest(Addr(1))!;
        Assert.Equal(1, transport.ActiveCalls);
        transport.GoAway(lastStreamId: 1);
        await SettleAsync();
        Assert.Equal((S.Ready, S.Idle), Steps(Transitions)[^1]);
        Assert.True(transport.GracefullyClosed);
        Assert.False(transport.IsClosed);
        release.SetResult("done");
        Assert.Equal("done", await inFlight);
        Assert.True(transport.IsClosed);
    }

    [Fact]
    public async Task Connecting_to_failure_then_idle_when_backoff_ends()
    {
        Transports.Script(Addr(1), ConnectScript.Fail());
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Assert.Equal(S.TransientFailure, channel.State);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        // pick_first reconnects a subchannel of a failed pass as soon as its backoff ends (sticky TF meanwhile).
        Assert.Equal([(S.Idle, S.Connecting), (S.Connecting, S.TransientFailure), (S.TransientFailure, S.Idle), (S.Idle, S.Connecting), (S.Connecting, S.Ready)], Steps(Transitions));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task Connecting_to_transient_failure_on_goaway_before_ready()
    {
        // A GOAWAY before READY is a failed attempt (review #6): backoff, not an immediate reconnect.
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("round_robin", [Addr(1)]);
        Transports.Latest(Addr(1))!.GoAway();
        await SettleAsync();
        Assert.Equal([(S.Idle, S.Connecting), (S.Connecting, S.TransientFailure)], Steps(Transitions));
        Assert.Contains("GOAWAY", Transitions.Last().Reason);
        Assert.True(Transports.TransportsTo(Addr(1))[0].IsClosed);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal([(S.Idle, S.Connecting), (S.Connecting, S.TransientFailure), (S.TransientFailure, S.Idle), (S.Idle, S.Connecting), (S.Connecting, S.Ready)], Steps(Transitions));
        Assert.Equal(S.Ready, channel.State);
    }

    [Theory]
    [InlineData(S.Idle)]
    [InlineData(S.Connecting)]
    [InlineData(S.Ready)]
    [InlineData(S.TransientFailure)]
    public async Task Any_state_to_shutdown_when_the_address_is_removed(S state)
    {
        switch (state)
        {
            case S.Connecting: Transports.Script(Addr(1), ConnectScript.Hang); break;
            case S.TransientFailure: Transports.Script(Addr(1), ConnectScript.Fail()); break;
        }

        // Alone, so pick_first keeps it in TRANSIENT_FAILURE: beside a READY address it would be disconnected (review #5).
        TransportAddress[] addresses = state == S.TransientFailure ? [Addr(1)] : [Addr(1), Addr(2)];
        var channel = await DialAsync("pick_first", addresses);
        if (state == S.Idle)
        {
            Transports.Latest(Addr(1))!.Lose();
            await SettleAsync();
        }

        Resolver.Update([Addr(3)]);
        await SettleAsync();
        var last = TransitionsOf(Addr(1)).Last();
        Assert.Equal((state, S.Shutdown), (last.From, last.To));
        Assert.All(Transports.TransportsTo(Addr(1)), t => Assert.True(t.IsClosed || t.GracefullyClosed));
        // An idle pick_first stays idle (lazy) until a call needs it; otherwise it connects to the new address.
        Assert.Equal(state == S.Idle ? S.Idle : S.Ready, channel.State);
    }

    [Fact]
    public async Task A_subchannel_that_throws_is_restarted_idle_and_reconnected()
    {
        int thrown = 0;
        var inner = Options("round_robin").TransitionObserver!;
        var options = Options("round_robin") with
        {
            TransitionObserver = t =>
            {
                inner(t);
                if (t.To == S.Ready && Interlocked.Exchange(ref thrown, 1) == 0)
                {
                    throw new InvalidOperationException("observer bug");
                }
            },
        };
        var channel = await DialAsync("round_robin", [Addr(1)], options: options);
        Assert.Equal(S.Ready, channel.State);
        var transports = Transports.TransportsTo(Addr(1));
        Assert.Equal(2, transports.Count);
        Assert.True(transports[0].IsClosed);
        Assert.Contains(Transitions, t => t.From == S.Ready && t.To == S.Idle && t.Reason.Contains("observer bug"));
    }
}
