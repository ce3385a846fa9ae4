using System.Net.Sockets;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>Calls that fail because the connection died carry the real cause, even when the owner's Close reaches them first.</summary>
public class ConnectionLossCauseTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Handshakes, and answers the first request stream by resetting the TCP connection (RST, not FIN).</summary>
    private static RawServer ResettingServer() => new(async (s, ct) =>
        await RawServer.ServeFramesAsync(
            s,
            (type, _) =>
            {
                if (type == RawServer.Headers)
                {
                    s.Socket.LingerState = new LingerOption(true, 0);
                    s.Socket.Close();
                }

                return Task.CompletedTask;
            },
            ct));

    [Fact]
    public async Task Owner_close_after_the_server_reset_keeps_the_reset_as_the_cause()
    {
        await using var server = ResettingServer();
        var events = new EventRecorder();
        var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");

        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        await t.CloseAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        AssertLostByReset(ex, closed, server);
    }

    [Fact]
    public async Task Owner_close_reaching_the_call_before_the_handler_error_keeps_the_reset_as_the_cause()
    {
        await using var server = ResettingServer();
        var events = new EventRecorder();
        HttpClientTransport? transport = null;
        var t = new HttpClientTransport(server.Address, new TransportOptions(), e =>
        {
            events.Record(e);
            if (e is ConnectionEvent.Closed)
            {
                // Told on the handler's read path before its error reaches any call: closing here makes
                // the owner's Close the first thing the call sees fail.
                _ = Volatile.Read(ref transport)!.CloseAsync();
            }
        });
        Volatile.Write(ref transport, t);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        AssertLostByReset(ex, closed, server);
        Assert.Single(events.Events.OfType<ConnectionEvent.Closed>());
    }

    private static void AssertLostByReset(RpcException ex, ConnectionEvent.Closed closed, RawServer server)
    {
        Assert.Equal(CloseReason.Reset, closed.Reason);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.False(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.DoesNotContain("closed by its owner", ex.Status.Detail);
        Assert.Contains($"onnection to {server.Address} lost", ex.Status.Detail);

        // The words after "lost" are the first error seen: usually the socket's "reset by peer", but in a cold run
        // the handler's own report of the dead connection ("The HTTP/2 ...") can come first. Either names the loss.
        Assert.True(ex.Status.Detail.Contains("reset by peer", StringComparison.Ordinal) || ex.Status.Detail.Contains("lost: The H", StringComparison.Ordinal), ex.Status.Detail);
    }
}
