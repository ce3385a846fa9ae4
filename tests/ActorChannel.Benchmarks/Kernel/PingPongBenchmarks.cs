using BenchmarkDotNet.Attributes;

namespace ActorChannel.Benchmarks.Kernel;

/// <summary>
/// Message throughput between pairs of actors. One operation = one message delivered and handled,
/// so 1e9 / (ns per op) is messages per second.
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    private const int OnePairs = 16;
    private const int OneBounces = 20_000;
    private const int ManyPairs = 100;
    private const int ManyBallsPerPair = 10;   // 1,000 messages in flight across the pairs
    private const int ManyBounces = 500;

    private Court _one = null!;
    private Court _many = null!;

    /// <summary>false: the kernel default (global pool queue); true: the experimental local-queue scheduling.</summary>
    [Params(false, true)]
    public bool LocalQueue { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _one = new Court(OnePairs, LocalQueue);
        _many = new Court(ManyPairs, LocalQueue);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _one.DisposeAsync();
        await _many.DisposeAsync();
    }

    /// <summary>16 pairs, one ball each: every message needs a thread-pool hop.</summary>
    [Benchmark(OperationsPerInvoke = OnePairs * (OneBounces + 1))]
    public void OneInFlightPerPair() => _one.Play(1, OneBounces);

    /// <summary>100 pairs with 10 balls each: mailboxes batch up to Throughput messages per run.</summary>
    [Benchmark(OperationsPerInvoke = ManyPairs * ManyBallsPerPair * (ManyBounces + 1))]
    public void ThousandInFlight() => _many.Play(ManyBallsPerPair, ManyBounces);
}
