using System.Buffers.Binary;
using System.Collections.Concurrent;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>
/// The frame observer under Grpc.Net.Client's calls: keepalive pings still go out when configured, and the server's
/// SETTINGS and GOAWAY are still seen (as events) while calls run on the connection.
/// </summary>
public class FrameObserverCallTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Keepalive_pings_go_out_and_answered_pings_keep_the_connection(bool permitWithoutCalls)
    {
        // Waiting for the handler's ping timer (1 s, the minimum) on real time is the point of this test.
        var pings = new ConcurrentQueue<long>();
        var secondPing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
            s,
            async f =>
            {
                if (f.Type == RawServer.Ping && (f.Flags & 0x1) == 0)
                {
                    pings.Enqueue(BinaryPrimitives.ReadInt64BigEndian(f.Payload));
                    await RawServer.WriteFrameAsync(s, RawServer.Ping, 0x1, 0, f.Payload, ct);
                    if (pings.Count >= 2)
                    {
                        secondPing.TrySetResult();
                    }
                }
            },
            ct));
        var events = new EventRecorder();
        var options = new TransportOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePermitWithoutCalls = permitWithoutCalls,
        };
        await using var t = new HttpClientTransport(server.Address, options, events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);

        // Without permit-without-calls the handler pings only while a call is active: one that the server never answers.
        using var call = permitWithoutCalls ? null : t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(TimeSpan.FromSeconds(30)), "m");
        await secondPing.Task.WaitAsync(Wait);
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Settings_and_goaway_are_seen_while_a_call_runs_and_the_call_finishes()
    {
        // Answers stream 1 after telling GOAWAY (last stream 1) and sending new SETTINGS mid-call.
        var requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
            s,
            async f =>
            {
                if (f.StreamId == 1 && f.EndsStream)
                {
                    requestSeen.TrySetResult();
                    await answer.Task.WaitAsync(ct);
                    await RawServer.WriteFrameAsync(s, RawServer.Settings, 0, 0, [0, 0x3, 0, 0, 0, 10], ct);
                    await RawServer.WriteFrameAsync(s, RawServer.GoAway, 0, 0, [0, 0, 0, 1, 0, 0, 0, (byte)Http2ErrorCode.EnhanceYourCalm, .. "drain"u8.ToArray()], ct);
                    await RawServer.GrpcHeadersAsync(s, ct);
                    await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, GrpcWire.Frame("reply"), ct);
                    await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);
                }
            },
            ct));
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");
        await requestSeen.Task.WaitAsync(Wait);
        answer.TrySetResult();

        var goAway = await events.WaitFor<ConnectionEvent.GoAwayReceived>(Wait);
        Assert.Equal(1, goAway.LastStreamId);
        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, goAway.ErrorCode);
        Assert.Equal("drain", goAway.DebugData);

        // The stream below the GOAWAY's last stream id finishes; a new call is refused, not processed.
        Assert.Equal("reply", await call.ResponseAsync.WaitAsync(Wait));
        var refused = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "new").ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.True(CallFailures.NotProcessed(refused), refused.Status.ToString());
        Assert.Contains("GOAWAY (ENHANCE_YOUR_CALM, last stream 1, \"drain\")", refused.Status.Detail);

        // SETTINGS is told once, for the handshake; the later one is the handler's business.
        Assert.Collection(
            events.Events.Take(3),
            e => Assert.IsType<ConnectionEvent.Connected>(e),
            e => Assert.IsType<ConnectionEvent.SettingsReceived>(e),
            e => Assert.IsType<ConnectionEvent.GoAwayReceived>(e));
        Assert.Single(events.Events.OfType<ConnectionEvent.SettingsReceived>());
        Assert.Equal(1, await server.AcceptedBeforeAsync(Wait));
    }

    [Fact]
    public async Task Goaway_from_kestrel_is_seen_while_grpc_calls_run_on_tls()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map, TestCertificates.Server);
        var events = new EventRecorder();
        await using var t = new HttpClientTransport(server.Address, new TransportOptions { Credentials = new SslCredentials(TestCertificates.Ca.ExportCertificatePem()) }, events.Record);
        await t.ConnectAsync(new CancellationTokenSource(Wait).Token);
        Assert.Single(events.Events.OfType<ConnectionEvent.SettingsReceived>());
        Assert.Equal("tls", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "tls"));
        var inFlight = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(Wait);

        var stopping = server.StopAsync();
        Assert.Equal(Http2ErrorCode.NoError, (await events.WaitFor<ConnectionEvent.GoAwayReceived>(Wait)).ErrorCode);
        service.ReleaseHang.TrySetResult();
        Assert.Equal("released", await inFlight.ResponseAsync.WaitAsync(Wait));
        await stopping.WaitAsync(Wait);
        Assert.Equal(CloseReason.EndOfStream, (await events.WaitFor<ConnectionEvent.Closed>(Wait)).Reason);
    }
}
