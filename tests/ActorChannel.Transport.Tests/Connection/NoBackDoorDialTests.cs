using System.Net.Sockets;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>
/// No connection is ever made behind the subchannel's back: a transport dials its one socket in ConnectAsync and
/// never another. Before ConnectAsync, after the connection is lost and after a GOAWAY, calls of every kind fail fast
/// UNAVAILABLE, not processed (so the channel may retry them elsewhere), and the listener accepts nothing more.
/// </summary>
public class NoBackDoorDialTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_call_before_ConnectAsync_is_refused_without_dialling()
    {
        await using var server = new RawServer(RawServer.HandshakeAsync);
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await AssertAllCallKindsRefusedAsync(t, "not connected");
        Assert.Equal(0, await server.AcceptedBeforeAsync(Wait));
    }

    [Fact]
    public async Task After_the_server_aborts_the_connection_calls_fail_fast_and_nothing_redials()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var events = new EventRecorder();
        await using var t = await Calls.LifetimeCallTests.Connect(server, null, events.Record);
        Assert.Equal("up", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "up"));

        server.AbortConnections();
        await events.WaitFor<ConnectionEvent.Closed>(Wait);
        await AssertAllCallKindsRefusedAsync(t, "lost");
        Assert.Equal(1, await server.AcceptedBeforeAsync(Wait));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_the_server_closes_or_resets_the_socket_calls_fail_fast_and_nothing_redials(bool reset)
    {
        var handshaken = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.SettingsAsync(s, ct);
            handshaken.TrySetResult(s.Socket);
        });
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        var socket = await handshaken.Task.WaitAsync(Wait);
        if (reset)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        else
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(reset ? CloseReason.Reset : CloseReason.EndOfStream, closed.Reason);
        await AssertAllCallKindsRefusedAsync(t, "lost");
        Assert.Equal(1, await server.AcceptedBeforeAsync(Wait));
    }

    [Fact]
    public async Task After_a_goaway_on_an_open_connection_calls_fail_fast_and_nothing_redials()
    {
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.SettingsAsync(s, ct);
            await RawServer.WriteFrameAsync(s, RawServer.GoAway, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0, .. "maintenance"u8.ToArray()], ct);
        });
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        var goAway = await events.WaitFor<ConnectionEvent.GoAwayReceived>(Wait);
        Assert.Equal("maintenance", goAway.DebugData);
        await AssertAllCallKindsRefusedAsync(t, "GOAWAY");
        Assert.Equal(1, await server.AcceptedBeforeAsync(Wait));
    }

    /// <summary>Every kind of call, on the plain invoker and a limited one, fails at once UNAVAILABLE and not processed.</summary>
    private static async Task AssertAllCallKindsRefusedAsync(HttpClientTransport t, string reason)
    {
        foreach (var invoker in new[] { t.Invoker, t.InvokerFor(1000, 1000) })
        {
            // A far deadline: a call that waited for anything (a dial, a connection) would show as a timeout here.
            var options = TestMethods.Deadline(TimeSpan.FromMinutes(1));
            await AssertRefusedAsync(() => invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, "m").ResponseAsync, reason);

            using var serverStream = invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, options, "3");
            await AssertRefusedAsync(() => serverStream.ResponseStream.MoveNext(), reason);

            using var clientStream = invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, options);
            await AssertRefusedAsync(() => clientStream.ResponseAsync, reason);

            using var duplex = invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, options);
            await AssertRefusedAsync(() => duplex.ResponseStream.MoveNext(), reason);
        }

        Assert.Equal(0, t.ActiveCalls);
    }

    private static async Task AssertRefusedAsync(Func<Task> call, string reason)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(Wait));
        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.Status.ToString());
        Assert.True(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.Contains("not sent", ex.Status.Detail);
        Assert.Contains(reason, ex.Status.Detail);
    }
}
