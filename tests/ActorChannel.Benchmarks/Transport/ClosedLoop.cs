using System.Diagnostics;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>The figures of one closed-loop run.</summary>
internal sealed record LoopResult(string Variant, int Callers, long Calls, double Seconds, double P50Micros, double P90Micros, double P99Micros, double BytesPerCall, double CpuMicrosPerCall, int Gen0, int Gen1, int Gen2)
{
    public double CallsPerSecond => Calls / Seconds;
}

/// <summary>
/// N callers, each awaiting its call before starting the next, for a fixed time. Latencies go into
/// arrays allocated before the clock starts, so the measurement allocates nothing of its own.
/// </summary>
internal static class ClosedLoop
{
    private const int MaxSamplesPerCaller = 4_000_000;

    public static async Task<LoopResult> RunAsync(string variant, int callers, TimeSpan duration, Func<Task> call)
    {
        var samples = new long[callers][];
        var counts = new int[callers];
        for (var i = 0; i < callers; i++)
        {
            samples[i] = new long[MaxSamplesPerCaller / callers];
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();

        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var me = c;
            tasks[c] = Task.Run(async () =>
            {
                var mine = samples[me];
                var n = 0;
                while (n < mine.Length)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    if (t0 >= stop)
                    {
                        break;
                    }

                    await call();
                    mine[n++] = Stopwatch.GetTimestamp() - t0;
                }

                counts[me] = n;
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        self.Refresh();
        var cpuMicros = (self.TotalProcessorTime - cpu).TotalMicroseconds;
        var total = counts.Sum();

        var all = new long[total];
        var at = 0;
        for (var c = 0; c < callers; c++)
        {
            Array.Copy(samples[c], 0, all, at, counts[c]);
            at += counts[c];
        }

        Array.Sort(all);
        double Micros(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1e6 / Stopwatch.Frequency;
        return new LoopResult(variant, callers, total, elapsed, Micros(0.50), Micros(0.90), Micros(0.99), total == 0 ? 0 : (double)bytes / total, total == 0 ? 0 : cpuMicros / total,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
    }
}
