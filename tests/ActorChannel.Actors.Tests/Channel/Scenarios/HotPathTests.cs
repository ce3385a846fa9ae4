using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>
/// A call whose pick succeeds at once is the picked connection's own call object: the channel puts nothing of its own
/// around it (no state, no async frame; the transparent retry happens in the connection). A call that has to wait
/// for a pick gets the channel's call object, which starts the connection's call once the pick comes.
/// </summary>
public class HotPathTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task A_call_picked_at_once_is_the_connections_own_call(string policy)
    {
        var recording = new RecordingTransports(Transports);
        var channel = await DialAsync(policy, Addrs(2), options: Options(policy) with { TransportFactory = recording });

        using var call = channel.CreateCallInvoker().AsyncUnaryCall(Echo, null, new CallOptions(), "hi");
        Assert.Same(recording.LastCall, call);
        Assert.Null(await call);
    }

    [Fact]
    public async Task A_call_that_waits_for_its_pick_is_the_channels_until_the_connection_takes_it()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var recording = new RecordingTransports(Transports);
        var channel = await DialAsync("pick_first", [Addr(1)], options: Options() with { TransportFactory = recording });

        using var call = channel.CreateCallInvoker().AsyncUnaryCall(Echo, null, new CallOptions(), "hi");
        Assert.Null(recording.LastCall);
        Transports.Latest(Addr(1))!.CompleteConnect();
        await SettleAsync();
        Assert.Null(await call);
        Assert.NotNull(recording.LastCall);
        Assert.NotSame(recording.LastCall, call);
    }

    /// <summary>Fake transports whose invokers remember the last unary call object they returned.</summary>
    private sealed class RecordingTransports(IClientTransportFactory inner) : IClientTransportFactory
    {
        public object? LastCall { get; private set; }

        public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
            new Recording(inner.Create(address, options, observer), this);

        private sealed class Recording(IClientTransport inner, RecordingTransports owner) : CallInvoker, IClientTransport
        {
            public TransportAddress Address => inner.Address;

            public CallInvoker Invoker => this;

            public int ActiveCalls => inner.ActiveCalls;

            public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

            public void GracefulClose() => inner.GracefulClose();

            public ValueTask CloseAsync() => inner.CloseAsync();

            public ValueTask DisposeAsync() => inner.DisposeAsync();

            public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
            {
                var call = inner.Invoker.AsyncUnaryCall(method, host, options, request);
                owner.LastCall = call;
                return call;
            }

            public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
                inner.Invoker.BlockingUnaryCall(method, host, options, request);

            public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
                inner.Invoker.AsyncServerStreamingCall(method, host, options, request);

            public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
                inner.Invoker.AsyncClientStreamingCall(method, host, options);

            public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
                inner.Invoker.AsyncDuplexStreamingCall(method, host, options);
        }
    }
}
