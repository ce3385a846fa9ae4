using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>ConnectAsync completes after the HTTP/2 handshake (the server's SETTINGS), and an idle connection is watched.</summary>
public class HandshakeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Handshake_sends_preface_and_settings_but_no_request_stream()
    {
        var frames = new ConcurrentQueue<(byte Type, int Stream)>();
        var settingsSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.ServeFramesAsync(
                s,
                async (type, stream) =>
                {
                    frames.Enqueue((type, stream));
                    if (type == RawServer.Settings)
                    {
                        settingsSeen.TrySetResult();
                    }

                    if (type == RawServer.Headers)
                    {
                        // Trailers-Only: UNIMPLEMENTED, so the call ends without a body.
                        await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, stream, RawServer.Hpack(true, ("content-type", "application/grpc"), ("grpc-status", "12")), ct);
                    }
                },
                ct);
        });
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        await settingsSeen.Task.WaitAsync(Wait);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);

        // The warm-up request that made the handler connect was never written: the first and only
        // request stream is the call's (stream 1).
        var headers = frames.Where(f => f.Type == RawServer.Headers).ToList();
        Assert.Equal([(RawServer.Headers, 1)], headers);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Settings_arrive_before_ConnectAsync_completes()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        Assert.Collection(
            events.Events,
            e => Assert.IsType<ConnectionEvent.Connected>(e),
            e => Assert.IsType<ConnectionEvent.SettingsReceived>(e));
        Assert.Equal("m", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.Equal(2, events.Events.Count);
    }

    [Fact]
    public async Task Exactly_one_socket_per_transport()
    {
        await using var server = new RawServer(async (s, ct) =>
            await RawServer.ServeFramesAsync(
                s,
                (type, stream) => type == RawServer.Headers
                    ? RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, stream, RawServer.Hpack(true, ("content-type", "application/grpc"), ("grpc-status", "5")), ct)
                    : Task.CompletedTask,
                ct));
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        }

        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Idle_connection_reports_server_abort_without_any_call()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);

        server.AbortConnections();
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Contains(closed.Reason, new[] { CloseReason.EndOfStream, CloseReason.Reset });
        var next = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.Equal(StatusCode.Unavailable, next.StatusCode);
        Assert.True(CallFailures.NotProcessed(next), next.Status.ToString());
        Assert.Contains("lost", next.Status.Detail);
    }

    [Fact]
    public async Task Idle_connection_reports_graceful_stop_as_goaway_then_closed()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);

        await server.StopAsync().WaitAsync(Wait);
        var goAway = await events.WaitFor<ConnectionEvent.GoAwayReceived>(Wait);
        Assert.Equal(Http2ErrorCode.NoError, goAway.ErrorCode);
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(CloseReason.EndOfStream, closed.Reason);
        Assert.Collection(
            events.Events,
            e => Assert.IsType<ConnectionEvent.Connected>(e),
            e => Assert.IsType<ConnectionEvent.SettingsReceived>(e),
            e => Assert.IsType<ConnectionEvent.GoAwayReceived>(e),
            e => Assert.IsType<ConnectionEvent.Closed>(e));
    }

    [Fact]
    public async Task Tcp_server_that_never_speaks_http2_fails_connect_by_the_deadline()
    {
        await using var server = new RawServer(async (s, ct) => await ct.WhenCancelled());
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(deadline.Token).WaitAsync(Wait));
        Assert.True(ex.IsTemporary);
        Assert.Contains("no HTTP/2 SETTINGS before the connect deadline", ex.Message);
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Same(ex, closed.Error);
        Assert.Empty(events.Events.OfType<ConnectionEvent.SettingsReceived>());
        var call = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
        Assert.True(CallFailures.NotProcessed(call), call.Status.ToString());
    }

    [Fact]
    public async Task Close_while_waiting_for_settings_aborts_the_connect()
    {
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (s, ct) =>
        {
            accepted.TrySetResult();
            await ct.WhenCancelled();
        });
        var events = new EventRecorder();
        var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        var connecting = t.ConnectAsync(CancellationToken.None);
        await events.WaitFor<ConnectionEvent.Connected>(Wait);
        await accepted.Task.WaitAsync(Wait);
        Assert.False(connecting.IsCompleted);

        await t.CloseAsync();
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => connecting.WaitAsync(Wait));
        Assert.Contains("closed while connecting", ex.Message);
        var closed = Assert.Single(events.Events.OfType<ConnectionEvent.Closed>());
        Assert.Equal(CloseReason.LocalClose, closed.Reason);
        Assert.IsType<ConnectionEvent.Closed>(events.Events[^1]);
        await t.DisposeAsync();
    }

    [Fact]
    public async Task Http1_server_fails_connect_at_once_naming_the_protocol()
    {
        await using var server = new RawServer(async (s, ct) =>
        {
            _ = await s.ReadAtLeastAsync(new byte[1024], 1, throwOnEndOfStream: false, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"), ct);
            await ct.WhenCancelled();
        });
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(new CancellationTokenSource(Wait).Token));
        Assert.Contains("does not speak HTTP/2", ex.Message);
        Assert.Contains("HTTP/1.1", ex.Message);
    }

    [Fact]
    public async Task Server_closing_before_settings_fails_connect_naming_the_end()
    {
        await using var server = new RawServer(async (s, ct) =>
        {
            _ = await s.ReadAtLeastAsync(new byte[24], 24, throwOnEndOfStream: false, ct);
            s.Socket.Shutdown(SocketShutdown.Both);
        });
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(new CancellationTokenSource(Wait).Token));
        Assert.Contains("before the server's HTTP/2 SETTINGS", ex.Message);
    }
}
