using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Client;
using ActorChannel.Client.Backoff;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// No connection is ever made behind the subchannel's back. SocketsHttpHandler, under Grpc.Net.Client, dials a new
/// connection whenever a request finds none; here the subchannel alone decides when to dial. A TCP forwarder in front of
/// the real server counts every connection that reaches it, and keeps accepting throughout, so a hidden dial would be
/// seen: calls made while the subchannel still holds its dead connection, and while it backs off after a failed
/// reconnect, fail without one.
/// </summary>
[Collection("channel end to end")]
public sealed class NoHiddenDialEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Long enough that the subchannel's next attempt never comes within a test.</summary>
    private static readonly BackoffOptions LongBackoff = new() { InitialBackoff = TimeSpan.FromMinutes(10), MaxBackoff = TimeSpan.FromMinutes(10), MinConnectTimeout = TimeSpan.FromSeconds(5) };

    private readonly Loopback _loopback = new(output);
    private readonly HeldBackTransports _transports = new();
    private readonly TaskCompletionSource _backingOff = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningGreeterServer _backend = null!;
    private TcpProxy _proxy = null!;
    private TestService.TestServiceClient _client = null!;
    private int _dials;

    public async Task InitializeAsync()
    {
        _backend = await _loopback.StartAsync("counted");
        _proxy = new TcpProxy(_backend.Port);
    }

    public async Task DisposeAsync()
    {
        await _loopback.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private TransportAddress Proxied => TransportAddress.Tcp("127.0.0.1", _proxy.Port);

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task Calls_on_a_connection_that_died_do_not_dial_while_its_subchannel_has_not_heard(string policy)
    {
        await DialAndConnectAsync(policy);
        var dead = _transports.Hold(Proxied);

        // The connection is cut and the forwarder listens again at once, in front of a server that is still up:
        // a dial by anyone now would succeed, and be counted.
        _proxy.Cut();
        _proxy.Open();
        await dead.CloseHeld.WaitAsync(Loopback.Bound);

        // Picked, refused as never sent, retried once on the same connection (the only one), refused again: even
        // wait-for-ready calls end UNAVAILABLE, as in grpc-go (wait-for-ready covers the pick, not a failed attempt).
        await CallsFailAsync(waitForReadyEnds: StatusCode.Unavailable);
        Assert.Equal((1, 1), (_dials, _proxy.Accepted));
        dead.Release();
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task Calls_while_the_subchannel_backs_off_do_not_dial(string policy)
    {
        await DialAndConnectAsync(policy);

        // The server dies; the forwarder goes on accepting (and closing) what comes. The subchannel reconnects once
        // (round_robin by itself, pick_first when a call asks), fails, and backs off for ten minutes.
        await _backend.AbortAsync();

        // Only once the subchannel has heard of the loss: a call picked before could be sent on the dying connection
        // and fail without ever asking pick_first to reconnect.
        await _lost.Task.WaitAsync(Loopback.Bound);
        var kick = _client.EchoAsync(new EchoRequest(), NoWait()).ResponseAsync;
        await _backingOff.Task.WaitAsync(Loopback.Bound);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => kick)).StatusCode);
        Assert.Equal((2, 2), (_dials, _proxy.Accepted));

        await CallsFailAsync(waitForReadyEnds: StatusCode.DeadlineExceeded);
        Assert.Equal((2, 2), (_dials, _proxy.Accepted));
    }

    private async Task DialAndConnectAsync(string policy)
    {
        var channel = _loopback.Dial("ipv4:127.0.0.1:" + _proxy.Port, new ManagedChannelOptions
        {
            Backoff = LongBackoff,
            DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
            TransportFactory = _transports,
            TransitionObserver = t =>
            {
                if (t.To == ConnectivityState.Connecting)
                {
                    Interlocked.Increment(ref _dials);
                }
                else if (t.To == ConnectivityState.Idle && t.From == ConnectivityState.Ready)
                {
                    _lost.TrySetResult();
                }
                else if (t.To == ConnectivityState.TransientFailure)
                {
                    _backingOff.TrySetResult();
                }
            },
        });
        _client = new TestService.TestServiceClient(channel);
        Assert.Equal("actorchannel/counted", (await _client.EchoAsync(new EchoRequest(), Loopback.Options())).Server);
        Assert.Equal((1, 1), (_dials, _proxy.Accepted));
    }

    /// <summary>Fail-fast unary and streaming calls fail UNAVAILABLE; wait-for-ready ones, with a short deadline, end <paramref name="waitForReadyEnds"/>.</summary>
    private async Task CallsFailAsync(StatusCode waitForReadyEnds)
    {
        for (int i = 0; i < 20; i++)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => _client.EchoAsync(new EchoRequest(), NoWait()).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        }

        for (int i = 0; i < 5; i++)
        {
            using var stream = _client.ServerStream(new StreamRequest { Count = 1 }, NoWait());
            Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext())).StatusCode);
        }

        var waiting = Enumerable.Range(0, 10).Select(_ => Assert.ThrowsAsync<RpcException>(() =>
            _client.EchoAsync(new EchoRequest(), new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(300)).WithWaitForReady()).ResponseAsync));
        Assert.All(await Task.WhenAll(waiting), e => Assert.Equal(waitForReadyEnds, e.StatusCode));
    }

    private static CallOptions NoWait() => new(deadline: DateTime.UtcNow + Loopback.Bound);
}
