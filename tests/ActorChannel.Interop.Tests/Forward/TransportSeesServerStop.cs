using System.Collections.Concurrent;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Interop.Tests.Forward;

/// <summary>
/// What our transport sees of our server's graceful stop (GOAWAY, the call in flight finishes) and abort (connection dropped):
/// the generated client over one transport's own invoker, as the connection events are the transport's.
/// </summary>
public sealed class TransportSeesServerStop
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Graceful_stop_sends_goaway_and_the_call_in_flight_completes()
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        await using var _ = server;
        var events = new EventLog();
        await using var transport = await ConnectAsync(server, events);
        using var call = new TestService.TestServiceClient(transport.Invoker).ServerStream(new StreamRequest { Count = 4, IntervalMs = 100 });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var stop = server.StopGracefullyAsync();
        var items = 1;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            items++;
        }

        Assert.Equal(4, items);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        await stop.WaitAsync(Bound);
        await events.WaitForAsync(e => e is ConnectionEvent.Closed);
        Assert.Contains(events.All, e => e is ConnectionEvent.GoAwayReceived { ErrorCode: Http2ErrorCode.NoError });
    }

    [Fact]
    public async Task Abort_drops_the_connection_without_goaway_and_fails_the_call_unavailable()
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        var events = new EventLog();
        await using var transport = await ConnectAsync(server, events);
        using var call = new TestService.TestServiceClient(transport.Invoker).ServerStream(new StreamRequest { Count = 1000, IntervalMs = 100 });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        await server.AbortAsync().WaitAsync(Bound);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        await events.WaitForAsync(e => e is ConnectionEvent.Closed { Reason: CloseReason.EndOfStream or CloseReason.Reset });
        Assert.DoesNotContain(events.All, e => e is ConnectionEvent.GoAwayReceived);
    }

    private static async Task<IClientTransport> ConnectAsync(RunningGreeterServer server, EventLog events)
    {
        var transport = HttpClientTransportFactory.Instance.Create(TransportAddress.Tcp("127.0.0.1", server.Port), new TransportOptions(), events.Add);
        using var cts = new CancellationTokenSource(Bound);
        await transport.ConnectAsync(cts.Token);
        return transport;
    }

    /// <summary>The connection events as they arrive from transport threads, awaitable.</summary>
    private sealed class EventLog
    {
        private readonly SemaphoreSlim _arrived = new(0);

        public ConcurrentQueue<ConnectionEvent> All { get; } = new();

        public void Add(ConnectionEvent e)
        {
            All.Enqueue(e);
            _arrived.Release();
        }

        public async Task WaitForAsync(Func<ConnectionEvent, bool> match)
        {
            using var cts = new CancellationTokenSource(Bound);
            while (!All.Any(match))
            {
                await _arrived.WaitAsync(cts.Token);
            }
        }
    }
}
