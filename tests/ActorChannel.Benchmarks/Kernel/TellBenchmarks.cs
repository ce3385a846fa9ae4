using ActorChannel.Kernel;
using BenchmarkDotNet.Attributes;

namespace ActorChannel.Benchmarks.Kernel;

/// <summary>
/// Allocation per Tell in steady state: one sender tells a pre-allocated message (and, separately, an int)
/// to a counting actor. The Allocated column is per Tell; it should read 0 B.
/// </summary>
[MemoryDiagnoser]
public class TellBenchmarks
{
    private const int Batch = 10_000;

    private static readonly Payload Message = new(42);

    private ActorSystem _system = null!;
    private ActorRef<Payload> _records = null!;
    private ActorRef<int> _ints = null!;
    private Counter _counter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("tell");
        _counter = new Counter();
        _records = _system.Spawn(Props<Payload>.Create(() => new Sink<Payload>(_counter)), "records");
        _ints = _system.Spawn(Props<int>.Create(() => new Sink<int>(_counter)), "ints");
    }

    [GlobalCleanup]
    public Task Cleanup() => _system.TerminateAsync();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void TellRecord()
    {
        var target = _counter.Expect(Batch);
        for (var i = 0; i < Batch; i++)
        {
            _records.Tell(Message);
        }

        _counter.WaitFor(target);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void TellInt()
    {
        var target = _counter.Expect(Batch);
        for (var i = 0; i < Batch; i++)
        {
            _ints.Tell(i);
        }

        _counter.WaitFor(target);
    }

    public sealed record Payload(int Value);

    internal sealed class Counter
    {
        private long _handled;
        private long _expected;

        public long Expect(int more) => _expected += more;

        public void One() => Interlocked.Increment(ref _handled);

        public void WaitFor(long target)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _handled) < target)
            {
                spin.SpinOnce();
            }
        }
    }

    private sealed class Sink<T>(Counter counter) : Actor<T>
    {
        protected override void Receive(T message) => counter.One();
    }
}
