using System.Globalization;
using ActorChannel.Benchmarks.Transport;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>
/// The tables of the <c>calls</c> mode: per client the medians over the rounds, and ratios paired per round
/// (the median over the rounds of client / reference in the same round) against the floor and, for the channel,
/// against Grpc.Net.Client's own balancer with the same policy over the same backends, and (with --with-connection)
/// against one of the channel's connections called alone, the bare transport the channel adds its layer to.
/// </summary>
internal static class CallsSummary
{
    public static void Print(IReadOnlyList<LoopResult> results, IReadOnlyList<CallsClient> clients)
    {
        Console.WriteLine();
        Console.WriteLine("Medians over the rounds (B/call: mean). \"paired\" = median over the rounds of (client / reference in the same round), (lowest–highest round).");
        Console.WriteLine("CPU µs/call: this (client) process's CPU time per call; the backends run in processes of their own.");
        Console.WriteLine("| callers | client | calls/s | p50 µs | p90 µs | p99 µs | CPU µs/call | B/call | vs floor calls/s, paired | vs Grpc.Net balancer calls/s, paired | p99 vs balancer, paired | CPU vs balancer, paired | vs 1 connection calls/s, paired |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var floor = clients.First(c => c.Role == ClientRole.Floor);
        var connection = clients.FirstOrDefault(c => c.Role == ClientRole.Connection);
        foreach (var callers in results.Select(r => r.Callers).Distinct())
        {
            List<LoopResult> Rounds(CallsClient c) => results.Where(r => r.Callers == callers && r.Variant == c.Name).ToList();
            var floorRounds = Rounds(floor);
            foreach (var client in clients)
            {
                var mine = Rounds(client);
                var balancer = client.Role == ClientRole.Channel
                    ? clients.FirstOrDefault(c => c.Role == ClientRole.GrpcNetBalancer && c.Policy == client.Policy)
                    : null;
                var vsBalancer = balancer is null ? null : Rounds(balancer);
                var vsConnection = client.Role == ClientRole.Channel && connection is not null ? Rounds(connection) : null;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {callers} | {client.Name} | {Median(mine, r => r.CallsPerSecond):0} | {Median(mine, r => r.P50Micros):0} | {Median(mine, r => r.P90Micros):0} | {Median(mine, r => r.P99Micros):0} | {Median(mine, r => r.CpuMicrosPerCall):0.0} | {mine.Average(r => r.BytesPerCall):0} | {Paired(mine, floorRounds, r => r.CallsPerSecond, range: true)} | {Paired(mine, vsBalancer, r => r.CallsPerSecond, range: true)} | {Paired(mine, vsBalancer, r => r.P99Micros, range: false)} | {Paired(mine, vsBalancer, r => r.CpuMicrosPerCall, range: false)} | {Paired(mine, vsConnection, r => r.CallsPerSecond, range: true)} |"));
            }
        }
    }

    private static double Median(IEnumerable<LoopResult> rounds, Func<LoopResult, double> measure) => RoundSummary.Median(rounds.Select(measure));

    private static string Paired(List<LoopResult> mine, List<LoopResult>? reference, Func<LoopResult, double> measure, bool range)
    {
        if (reference is null)
        {
            return "—";
        }

        var ratios = mine.Zip(reference, (m, r) => measure(m) / measure(r)).ToList();
        var median = RoundSummary.Median(ratios);
        return range
            ? string.Create(CultureInfo.InvariantCulture, $"{median:0.000} ({ratios.Min():0.00}–{ratios.Max():0.00})")
            : string.Create(CultureInfo.InvariantCulture, $"{median:0.000}");
    }
}
