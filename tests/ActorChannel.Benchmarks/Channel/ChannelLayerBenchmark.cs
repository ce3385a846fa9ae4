using Grpc.Core;
using ActorChannel.Benchmarks.Transport;
using ActorChannel.Client;
using ActorChannel.Transport;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.WellKnownTypes;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>
/// What the channel adds to a unary call, without network or server: the transport's call layer over an
/// in-memory handler that answers at once (<see cref="CallLayerBenchmark"/>), called directly and through a
/// <see cref="ManagedChannel"/> whose one subchannel owns a transport over the same handler. The difference is the
/// channel's per-call cost (method config, pick, call state, transparent-retry wrapper), free of the machine's noise.
/// <c>dotnet run -c Release --project tests/ActorChannel.Benchmarks -- --filter '*ChannelLayer*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CallLayerBenchmark.InProcessConfig))]
public class ChannelLayerBenchmark
{
    private HttpClientTransport _transport = null!;
    private ManagedChannel _pickFirst = null!;
    private ManagedChannel _roundRobin = null!;

    [GlobalSetup]
    public void Setup()
    {
        _transport = CannedFactory.NewTransport(TransportAddress.Tcp("127.0.0.1", 1), new TransportOptions(), _ => { });
        _pickFirst = Dial("pick_first");
        _roundRobin = Dial("round_robin");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pickFirst.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _roundRobin.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<StringValue> Transport() => UnaryClients.CallAsync(_transport.Invoker);

    [Benchmark]
    public Task<StringValue> PickFirst() => UnaryClients.CallAsync(_pickFirst.CreateCallInvoker());

    [Benchmark]
    public Task<StringValue> RoundRobin() => UnaryClients.CallAsync(_roundRobin.CreateCallInvoker());

    private static ManagedChannel Dial(string policy)
    {
        var channel = ManagedChannel.Dial("ipv4:127.0.0.1:1", new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
            TransportFactory = new CannedFactory(),
        });
        channel.ConnectAsync().GetAwaiter().GetResult();
        return channel;
    }

    /// <summary>Transports over the canned handler: connected at once, as a real one is after its handshake.</summary>
    private sealed class CannedFactory : IClientTransportFactory
    {
        public static HttpClientTransport NewTransport(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
            new(address, options, observer, new CallLayerBenchmark.CannedHandler());

        public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
            new CannedTransport(NewTransport(address, options, observer), observer);
    }

    private sealed class CannedTransport(HttpClientTransport inner, Action<ConnectionEvent> observer) : IClientTransport
    {
        public TransportAddress Address => inner.Address;

        public CallInvoker Invoker => inner.Invoker;

        public int ActiveCalls => inner.ActiveCalls;

        public Task ConnectAsync(CancellationToken cancellationToken)
        {
            observer(new ConnectionEvent.Connected());
            observer(new ConnectionEvent.SettingsReceived());
            return Task.CompletedTask;
        }

        public void GracefulClose() => inner.GracefulClose();

        public ValueTask CloseAsync() => inner.CloseAsync();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
