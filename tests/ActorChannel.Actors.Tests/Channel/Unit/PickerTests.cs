using System.Net;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Actors.Tests.Client.Unit;

public class PickerTests
{
    private static readonly PickInfo FailFast = new("/s/m", WaitForReady: false);
    private static readonly PickInfo WaitForReady = new("/s/m", WaitForReady: true);

    internal static SubchannelHandle Handle(int id, bool ready = true, Action? connect = null)
    {
        var h = new SubchannelHandle(id, new TransportAddress(new IPEndPoint(IPAddress.Loopback, 1000 + id)), connect);
        h.Publish(ready ? ConnectivityState.Ready : ConnectivityState.Idle, ready ? new StubTransport(h.Address) : null);
        return h;
    }

    [Fact]
    public void Round_robin_spreads_3000_picks_exactly_evenly()
    {
        var handles = new[] { Handle(1), Handle(2), Handle(3) };
        var picker = new RoundRobinPicker(handles, start: 2);
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < 3000; i++)
        {
            var r = picker.Pick(FailFast);
            Assert.Equal(PickKind.Complete, r.Kind);
            counts[r.Subchannel!.Id] = counts.GetValueOrDefault(r.Subchannel.Id) + 1;
        }

        Assert.All(counts.Values, c => Assert.Equal(1000, c));
        Assert.Equal(3, new RoundRobinPicker(handles, start: 2).Pick(FailFast).Subchannel!.Id);
    }

    [Fact]
    public void Round_robin_pick_allocates_nothing()
    {
        var picker = new RoundRobinPicker([Handle(1), Handle(2), Handle(3)], 0);
        var slot = new PickerSlot(TimeProvider.System);
        slot.Publish(picker);
        for (int i = 0; i < 100; i++)
        {
            _ = slot.PickAsync(FailFast, null, default);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = slot.PickAsync(FailFast, null, default);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Round_robin_needs_a_subchannel() =>
        Assert.Throws<ArgumentException>(() => new RoundRobinPicker([], 0));

    [Fact]
    public void Idle_picker_asks_for_a_connection_once_and_queues()
    {
        int connects = 0;
        var picker = new IdlePicker(() => Interlocked.Increment(ref connects));
        Assert.Equal(PickKind.Queue, picker.Pick(FailFast).Kind);
        Assert.Equal(PickKind.Queue, picker.Pick(FailFast).Kind);
        Assert.Equal(1, connects);
    }

    [Fact]
    public async Task Slot_without_picker_waits_for_the_next_one()
    {
        var slot = new PickerSlot(TimeProvider.System);
        var pick = slot.PickAsync(FailFast, null, default);
        Assert.False(pick.IsCompleted);
        slot.Publish(QueuePicker.Instance);
        Assert.False(pick.IsCompleted);
        var h = Handle(7);
        slot.Publish(new SinglePicker(h));
        Assert.Same(h.ReadyTransport, await pick);
    }

    [Fact]
    public async Task Failing_picker_fails_fast_calls_and_keeps_wait_for_ready_calls_waiting()
    {
        var slot = new PickerSlot(TimeProvider.System) { ResolverError = "no such host" };
        slot.Publish(new FailurePicker(new Status(StatusCode.Unavailable, "last connection error: connection refused")));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await slot.PickAsync(FailFast, null, default));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal("last connection error: connection refused; last resolver error: no such host", e.Status.Detail);

        var waiting = slot.PickAsync(WaitForReady, null, default).AsTask();
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        var h = Handle(1);
        slot.Publish(new SinglePicker(h));
        Assert.Same(h.ReadyTransport, await waiting);
    }

    [Fact]
    public async Task Picked_subchannel_that_left_ready_makes_the_call_pick_again()
    {
        var slot = new PickerSlot(TimeProvider.System);
        var gone = Handle(1, ready: false);
        slot.Publish(new SinglePicker(gone));
        var pick = slot.PickAsync(FailFast, null, default).AsTask();
        await Task.Yield();
        Assert.False(pick.IsCompleted);
        var h = Handle(2);
        slot.Publish(new RoundRobinPicker([gone, h], 0));
        Assert.Same(h.ReadyTransport, await pick);
    }

    [Fact]
    public async Task Expired_deadline_gives_deadline_exceeded_with_the_balancer_error()
    {
        var slot = new PickerSlot(TimeProvider.System);
        slot.Publish(new FailurePicker(new Status(StatusCode.Unavailable, "refused")));
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await slot.PickAsync(WaitForReady, DateTimeOffset.UtcNow.AddSeconds(-1), default));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Contains("latest balancer error: refused", e.Status.Detail);
    }

    [Fact]
    public async Task Cancellation_while_waiting_gives_cancelled()
    {
        var slot = new PickerSlot(TimeProvider.System);
        using var cts = new CancellationTokenSource();
        var pick = slot.PickAsync(FailFast, null, cts.Token).AsTask();
        cts.Cancel();
        var e = await Assert.ThrowsAsync<RpcException>(() => pick);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task Closing_ends_waiting_and_new_picks_with_cancelled_channel_closed()
    {
        var slot = new PickerSlot(TimeProvider.System);
        var waiting = slot.PickAsync(WaitForReady, null, default).AsTask();
        slot.Close();
        slot.Publish(new SinglePicker(Handle(1)));
        foreach (var pick in new[] { waiting, slot.PickAsync(FailFast, null, default).AsTask() })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => pick);
            Assert.Equal(StatusCode.Cancelled, e.StatusCode);
            Assert.Equal("channel closed", e.Status.Detail);
        }
    }
}

internal sealed class StubTransport(TransportAddress address) : IClientTransport
{
    public TransportAddress Address { get; } = address;

    public CallInvoker Invoker => throw new NotSupportedException();

    public int ActiveCalls => 0;

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void GracefulClose()
    {
    }

    public ValueTask CloseAsync() => default;

    public ValueTask DisposeAsync() => default;
}
