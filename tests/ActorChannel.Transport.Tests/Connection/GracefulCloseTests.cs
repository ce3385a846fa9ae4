using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>
/// GracefulClose drains: calls in flight finish OK, new calls are refused not processed, and the socket closes once
/// the last call has ended (Closed with LocalClose, then the server sees the connection go).
/// </summary>
public class GracefulCloseTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_unary_call_in_flight_finishes_and_the_socket_closes_after_it()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        await using var t = await Calls.LifetimeCallTests.Connect(server, null, events.Record);
        var serverSawClose = server.ConnectionClosed(0);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        t.GracefulClose();
        await AssertRefusedAsync(t);
        Assert.Equal(1, t.ActiveCalls);
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
        Assert.False(serverSawClose.IsCompleted, "the socket closed while a call was in flight");

        service.ReleaseHang.TrySetResult();
        Assert.Equal("released", await inFlight.ResponseAsync.WaitAsync(Wait));
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(CloseReason.LocalClose, closed.Reason);
        Assert.Null(closed.Error);
        Assert.IsType<ConnectionEvent.Closed>(events.Events[^1]);
        await serverSawClose.WaitAsync(Wait);
        Assert.Equal(0, t.ActiveCalls);
        Assert.Equal(1, await server.AcceptedBeforeAsync(Wait));
    }

    [Fact]
    public async Task A_streaming_call_in_flight_keeps_streaming_and_the_close_waits_for_its_end()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = await Calls.LifetimeCallTests.Connect(server, null, events.Record);
        var serverSawClose = server.ConnectionClosed(0);
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe);
        await call.RequestStream.WriteAsync("before");
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(Wait));

        t.GracefulClose();
        await AssertRefusedAsync(t);

        // The call in flight goes on both ways after the close began.
        await call.RequestStream.WriteAsync("after");
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(Wait));
        Assert.Equal("echo:after", call.ResponseStream.Current);
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
        Assert.False(serverSawClose.IsCompleted, "the socket closed while a call was in flight");

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(Wait));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(CloseReason.LocalClose, (await events.WaitFor<ConnectionEvent.Closed>(Wait)).Reason);
        await serverSawClose.WaitAsync(Wait);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Close_after_a_graceful_close_fails_the_calls_still_in_flight()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        var t = await Calls.LifetimeCallTests.Connect(server, null, events.Record);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);
        t.GracefulClose();

        await t.CloseAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => inFlight.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.False(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.Equal(CloseReason.LocalClose, Assert.Single(events.Events.OfType<ConnectionEvent.Closed>()).Reason);
        await server.ConnectionClosed(0).WaitAsync(Wait);
    }

    private static async Task AssertRefusedAsync(HttpClientTransport t)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "new").ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.True(CallFailures.NotProcessed(refused), refused.Status.ToString());
        Assert.Contains("closing gracefully", refused.Status.Detail);
    }
}
