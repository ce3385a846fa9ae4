using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorChannel.Host.Cli;

/// <summary>The one JSON line <c>bench</c> ends with.</summary>
public sealed record BenchReport(
    string Target,
    string Policy,
    int Concurrency,
    double DurationS,
    long Calls,
    double Qps,
    double WarmupS,
    double P50Us,
    double P90Us,
    double P99Us,
    long Errors,
    IReadOnlyDictionary<string, long> Backends)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BenchReport FromJson(string json) => JsonSerializer.Deserialize<BenchReport>(json, Json)
        ?? throw new FormatException("The bench report is empty.");

    /// <summary>Nearest-rank percentile of sorted latencies (in Stopwatch ticks), in microseconds.</summary>
    public static double Percentile(long[] sortedTicks, double percentile, long ticksPerSecond)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sortedTicks.Length);
        var index = Math.Clamp(rank - 1, 0, sortedTicks.Length - 1);
        return Math.Round(sortedTicks[index] * 1_000_000.0 / ticksPerSecond, 1);
    }
}
