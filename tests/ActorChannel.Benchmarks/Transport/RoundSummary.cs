using System.Globalization;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// The summary table of a closed-loop benchmark. Besides medians over the rounds it gives the median of the
/// per-round ratios: each round runs every variant back to back, so a ratio taken within one round cancels the
/// machine's drift between rounds, which on a shared 2-core machine is larger than the differences measured.
/// </summary>
internal static class RoundSummary
{
    /// <summary>Keeps the baseline (the first variant) and those whose name contains one of the comma-separated parts.</summary>
    public static (string Name, Func<Task> Call)[] Select((string Name, Func<Task> Call)[] variants, string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return variants;
        }

        var parts = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return variants.Where((v, i) => i == 0 || parts.Any(p => v.Name.Contains(p, StringComparison.OrdinalIgnoreCase))).ToArray();
    }

    public static void Print(IReadOnlyList<LoopResult> results, string baselineName)
    {
        Console.WriteLine();
        Console.WriteLine("Medians over the rounds (B/call: mean). \"paired\" = median over rounds of (variant / baseline in the same round).");
        Console.WriteLine("CPU/call is this process's CPU time per call (with the server in-process, the server's share too).");
        Console.WriteLine("| callers | client | calls/s | p50 µs | p99 µs | CPU µs/call | B/call | vs bare calls/s | paired calls/s (min–max) | vs bare CPU | vs bare B/call |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Callers, r.Variant)))
        {
            var mine = group.ToList();
            var baseline = results.Where(r => r.Callers == group.Key.Callers && r.Variant == baselineName).ToList();
            var rate = Median(mine.Select(r => r.CallsPerSecond));
            var baseRate = Median(baseline.Select(r => r.CallsPerSecond));
            var cpu = Median(mine.Select(r => r.CpuMicrosPerCall));
            var baseCpu = Median(baseline.Select(r => r.CpuMicrosPerCall));
            var bytes = mine.Average(r => r.BytesPerCall);
            var baseBytes = baseline.Average(r => r.BytesPerCall);
            var paired = mine.Zip(baseline, (m, b) => m.CallsPerSecond / b.CallsPerSecond).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Callers} | {group.Key.Variant} | {rate:0} | {Median(mine.Select(r => r.P50Micros)):0} | {Median(mine.Select(r => r.P99Micros)):0} | {cpu:0.0} | {bytes:0} | {rate / baseRate:0.000} | {Median(paired):0.000} ({paired.Min():0.00}–{paired.Max():0.00}) | {cpu / baseCpu:0.000} | {bytes - baseBytes:+0;-0;0} |"));
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
