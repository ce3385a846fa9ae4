using System.Net;
using System.Net.Sockets;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

public class ConnectionEventTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connected_then_settings_before_connect_completes_and_nothing_more_for_a_call()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = await LifetimeCallTestsAccess.Connect(server, events.Record);
        Assert.Equal(2, events.Events.Count);
        Assert.IsType<ConnectionEvent.Connected>(events.Events[0]);
        Assert.IsType<ConnectionEvent.SettingsReceived>(events.Events[1]);
        Assert.Equal("m", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.Equal(2, events.Events.Count);
    }

    [Fact]
    public async Task Graceful_server_stop_sends_goaway_in_flight_call_finishes_new_calls_not_processed()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        await using var t = await LifetimeCallTestsAccess.Connect(server, events.Record);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        var stopping = server.StopAsync();
        var goAway = await events.WaitFor<ConnectionEvent.GoAwayReceived>(Wait);
        Assert.Equal(Http2ErrorCode.NoError, goAway.ErrorCode);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "new"));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.True(CallFailures.NotProcessed(refused), refused.Status.ToString());
        Assert.Contains("GOAWAY", refused.Status.Detail);

        service.ReleaseHang.TrySetResult();
        Assert.Equal("released", await inFlight.ResponseAsync.WaitAsync(Wait));
        await stopping.WaitAsync(Wait);
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(CloseReason.EndOfStream, closed.Reason);
        Assert.IsType<ConnectionEvent.Closed>(events.Events[^1]);
    }

    [Fact]
    public async Task Server_abort_closes_and_later_calls_fail_fast_without_redialing()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        await using var t = await LifetimeCallTestsAccess.Connect(server, events.Record);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        server.AbortConnections();
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Contains(closed.Reason, new[] { CloseReason.EndOfStream, CloseReason.Reset });
        var lost = await Assert.ThrowsAsync<RpcException>(() => inFlight.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, lost.StatusCode);
        Assert.False(CallFailures.NotProcessed(lost), lost.Status.ToString());

        var next = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.Equal(StatusCode.Unavailable, next.StatusCode);
        Assert.True(CallFailures.NotProcessed(next), next.Status.ToString());
        Assert.Single(events.Events.OfType<ConnectionEvent.Closed>());
    }

    [Fact]
    public async Task Close_fails_calls_in_flight_and_reports_local_close_once()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        var t = await LifetimeCallTestsAccess.Connect(server, events.Record);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        await t.CloseAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => inFlight.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("closed by its owner", ex.Status.Detail);
        await t.DisposeAsync();
        var closed = Assert.Single(events.Events.OfType<ConnectionEvent.Closed>());
        Assert.Equal(CloseReason.LocalClose, closed.Reason);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Graceful_close_lets_calls_finish_and_refuses_new_ones()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        await using var t = await LifetimeCallTestsAccess.Connect(server, events.Record);
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        t.GracefulClose();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.True(CallFailures.NotProcessed(refused), refused.Status.ToString());
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());

        service.ReleaseHang.TrySetResult();
        Assert.Equal("released", await inFlight.ResponseAsync.WaitAsync(Wait));
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(CloseReason.LocalClose, closed.Reason);
    }

    [Fact]
    public async Task Connect_failures_are_temporary_transport_errors()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var refused = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", port), new TransportOptions(), _ => { });
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => refused.ConnectAsync(CancellationToken.None));
        Assert.True(ex.IsTemporary);
        Assert.Contains("ConnectionRefused", ex.Message);
        await refused.DisposeAsync();

        await using var server = await TestServer.StartAsync(new TestService().Map);
        var late = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        var timeout = await Assert.ThrowsAsync<TransportConnectException>(() => late.ConnectAsync(new CancellationToken(canceled: true)));
        Assert.Contains("connect deadline", timeout.Message);
        await late.DisposeAsync();
    }

    [Fact]
    public async Task Host_name_address_is_resolved_and_becomes_the_authority()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        await using var t = new HttpClientTransport(TransportAddress.Tcp("localhost", server.Port), new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        Assert.Equal("ok", await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Headers"), null, TestMethods.Safe, "dns"));
        lock (service.LastRequestHeaders)
        {
            Assert.Equal($"localhost:{server.Port}", service.LastRequestHeaders["Host"]);
        }
    }

    [Fact]
    public async Task Unix_domain_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ac-{Guid.NewGuid():N}.sock");
        try
        {
            await using var server = await TestServer.StartAsync(new TestService().Map, unixPath: path);
            await using var t = await LifetimeCallTestsAccess.Connect(server, _ => { });
            Assert.Equal("uds", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "uds"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

internal static class LifetimeCallTestsAccess
{
    public static Task<HttpClientTransport> Connect(TestServer server, Action<ConnectionEvent> observer) =>
        ActorChannel.Transport.Tests.Calls.LifetimeCallTests.Connect(server, null, observer);
}
