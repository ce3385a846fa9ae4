using ActorChannel.Client.Connectivity;
using Xunit;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Unit;

public class ConnectivityTests
{
    [Theory]
    [InlineData(S.Idle, S.Connecting, true)]
    [InlineData(S.Idle, S.Shutdown, true)]
    [InlineData(S.Idle, S.Ready, false)]
    [InlineData(S.Idle, S.TransientFailure, false)]
    [InlineData(S.Connecting, S.Ready, true)]
    [InlineData(S.Connecting, S.TransientFailure, true)]
    [InlineData(S.Connecting, S.Idle, true)]
    [InlineData(S.Ready, S.Idle, true)]
    [InlineData(S.Ready, S.TransientFailure, true)]
    [InlineData(S.Ready, S.Connecting, false)]
    [InlineData(S.TransientFailure, S.Idle, true)]
    [InlineData(S.TransientFailure, S.Connecting, true)]
    [InlineData(S.TransientFailure, S.Ready, false)]
    [InlineData(S.Shutdown, S.Idle, false)]
    [InlineData(S.Shutdown, S.Shutdown, false)]
    public void Transition_table_follows_the_spec(S from, S to, bool allowed) =>
        Assert.Equal(allowed, ConnectivityTransitions.IsAllowed(from, to));

    [Fact]
    public void Aggregate_of_nothing_is_transient_failure() =>
        Assert.Equal(S.TransientFailure, new AggregateStateEvaluator().Aggregate);

    [Fact]
    public void Aggregate_prefers_ready_then_connecting_then_idle()
    {
        var e = new AggregateStateEvaluator();
        Assert.Equal(S.Idle, e.Record(1, S.Idle));
        Assert.Equal(S.Connecting, e.Record(2, S.Connecting));
        Assert.Equal(S.Ready, e.Record(3, S.Ready));
        Assert.Equal(S.Connecting, e.Record(3, S.Shutdown));
        Assert.Equal(S.Idle, e.Remove(2));
        Assert.Equal(S.TransientFailure, e.Remove(1));
    }

    [Fact]
    public void Transient_failure_is_sticky_until_ready()
    {
        var e = new AggregateStateEvaluator();
        e.Record(1, S.Connecting);
        Assert.Equal(S.TransientFailure, e.Record(1, S.TransientFailure));
        Assert.Equal(S.TransientFailure, e.Record(1, S.Idle));
        Assert.Equal(S.TransientFailure, e.Record(1, S.Connecting));
        Assert.Equal(S.TransientFailure, e.EffectiveState(1));
        Assert.Equal(S.Ready, e.Record(1, S.Ready));
        Assert.Equal(S.Idle, e.Record(1, S.Idle));
    }

    [Fact]
    public void Shutdown_subchannels_do_not_count()
    {
        var e = new AggregateStateEvaluator();
        e.Record(1, S.Ready);
        e.Record(2, S.Idle);
        Assert.Equal(S.Idle, e.Record(1, S.Shutdown));
        Assert.Equal(1, e.Count);
    }

    [Fact]
    public async Task Publisher_wakes_waiters_on_change_only()
    {
        var p = new StatePublisher(S.Idle);
        var wait = p.WaitForStateChangeAsync(S.Idle);
        Assert.False(wait.IsCompleted);
        Assert.False(p.Set(S.Idle));
        Assert.False(wait.IsCompleted);
        Assert.True(p.Set(S.Connecting));
        Assert.Equal(S.Connecting, await wait);
        Assert.Equal(S.Connecting, await p.WaitForStateChangeAsync(S.Idle));
    }

    [Fact]
    public async Task Publisher_shutdown_is_final_and_wait_honours_cancellation()
    {
        var p = new StatePublisher(S.Ready);
        Assert.True(p.Set(S.Shutdown));
        Assert.False(p.Set(S.Idle));
        Assert.Equal(S.Shutdown, p.State);
        using var cts = new CancellationTokenSource();
        var wait = p.WaitForStateChangeAsync(S.Shutdown, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
