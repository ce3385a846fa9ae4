using ActorChannel.Kernel;
using BenchmarkDotNet.Attributes;

namespace ActorChannel.Benchmarks.Kernel;

/// <summary>
/// Memory per idle actor. <see cref="Run"/> (the "--idle-memory" mode) reports the heap retained by
/// 100,000 started, idle actors; the benchmark reports what spawning one allocates (retained or not).
/// </summary>
[MemoryDiagnoser]
public class IdleActorMemory
{
    private const int Count = 100_000;

    public static int Run(int count)
    {
        var system = ActorSystem.Create("idle");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++)
        {
            system.Spawn(Props<int>.Create(() => new Idle()), "idle-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        system.WhenIdleAsync().GetAwaiter().GetResult();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perActor = (after - before) / (double)count;
        Console.WriteLine($"{count:N0} idle actors retain {after - before:N0} bytes: {perActor:N0} bytes per actor (name string and the parent's dictionary entry included)");
        GC.KeepAlive(system);
        system.TerminateAsync().GetAwaiter().GetResult();
        return 0;
    }

    private ActorSystem? _system;

    [IterationSetup]
    public void Setup() => _system = ActorSystem.Create("idle");

    [IterationCleanup]
    public void Cleanup() => _system!.TerminateAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Count)]
    public void Spawn100000IdleActors()
    {
        var system = _system!;
        for (var i = 0; i < Count; i++)
        {
            system.Spawn(Props<int>.Create(() => new Idle()), "idle-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        system.WhenIdleAsync().GetAwaiter().GetResult();
    }

    private sealed class Idle : Actor<int>
    {
        protected override void Receive(int message)
        {
        }
    }
}
