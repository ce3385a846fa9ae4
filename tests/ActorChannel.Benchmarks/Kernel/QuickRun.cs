using System.Diagnostics;

namespace ActorChannel.Benchmarks.Kernel;

/// <summary>
/// "--kernel-quick": a few seconds of each ping-pong shape without BenchmarkDotNet, printing messages per
/// second. For quick comparisons while tuning; the recorded figures come from the BenchmarkDotNet run.
/// </summary>
internal static class QuickRun
{
    public static async Task<int> RunAsync()
    {
        foreach (var local in new[] { false, true })
        {
            var mode = local ? "local queue" : "global queue";
            await Measure($"one in flight per pair (16 pairs), {mode}", new Court(16, local), ballsPerPair: 1, bounces: 20_000);
            await Measure($"1,000 in flight (100 pairs x 10), {mode}", new Court(100, local), ballsPerPair: 10, bounces: 500);
        }

        return 0;
    }

    private static async Task Measure(string name, Court court, int ballsPerPair, int bounces)
    {
        await using (court)
        {
            court.Play(ballsPerPair, bounces);   // warm-up
            for (var round = 0; round < 3; round++)
            {
                long messages = 0;
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(2))
                {
                    court.Play(ballsPerPair, bounces);
                    messages += (long)court.Rallies * (bounces + 1);
                }

                Console.WriteLine($"{name}: {messages / watch.Elapsed.TotalSeconds / 1e6:F1} M msg/s");
            }
        }
    }
}
