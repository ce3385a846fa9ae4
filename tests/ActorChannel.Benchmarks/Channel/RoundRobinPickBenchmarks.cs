using Grpc.Core;
using System.Net;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using BenchmarkDotNet.Attributes;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>The hot path of every call: reading the picker slot and taking the next READY subchannel.</summary>
[MemoryDiagnoser]
public class RoundRobinPickBenchmarks
{
    private readonly PickInfo _info = new("/helloworld.Greeter/SayHello", WaitForReady: false);
    private PickerSlot _slot = null!;

    [Params(3, 100, 10_000)]
    public int Subchannels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var handles = new SubchannelHandle[Subchannels];
        for (int i = 0; i < handles.Length; i++)
        {
            var address = new TransportAddress(new IPEndPoint(IPAddress.Loopback, 10000 + i));
            handles[i] = new SubchannelHandle(i, address);
            handles[i].Publish(ConnectivityState.Ready, new IdleTransport(address));
        }

        _slot = new PickerSlot(TimeProvider.System);
        _slot.Publish(new RoundRobinPicker(handles, 0));
    }

    /// <summary>What a call does when a READY subchannel is there: one Volatile read, one Interlocked.Increment.</summary>
    [Benchmark(Baseline = true)]
    public IClientTransport? TryPick()
    {
        _slot.TryPick(in _info, out var transport);
        return transport;
    }

    /// <summary>The same through the awaitable entry point (completes synchronously).</summary>
    [Benchmark]
    public IClientTransport PickAsync() => _slot.PickAsync(in _info, null, CancellationToken.None).Result;

    private sealed class IdleTransport(TransportAddress address) : IClientTransport
    {
        public TransportAddress Address { get; } = address;

        public CallInvoker Invoker => throw new NotSupportedException();

        public int ActiveCalls => 0;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void GracefulClose()
        {
        }

        public ValueTask CloseAsync() => default;

        public ValueTask DisposeAsync() => default;
    }
}
