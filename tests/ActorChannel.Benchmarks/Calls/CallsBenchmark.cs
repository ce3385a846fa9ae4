using System.Globalization;
using ActorChannel.Benchmarks.Transport;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>
/// Closed-loop unary calls through ActorChannel's channel beside Grpc.Net.Client in one run, interleaved round by
/// round, against 3 backends in processes of their own: the channel with pick_first over 1 backend and round_robin
/// over 3, Grpc.Net.Client's own balancer (<c>static:///</c>) with the same policies over the same backends, and a
/// bare <c>GrpcChannel.ForAddress</c> to the first backend, the floor.
/// <c>dotnet tests/ActorChannel.Benchmarks/bin/Release/net10.0/ActorChannel.Benchmarks.dll calls [--seconds 1] [--rounds 30] [--warmup 1] [--callers 1,16] [--host src/Host/bin/Release/net10.0/ActorChannel.Host.dll] [--with-connection]</c>; --with-connection adds one of the channel's connections called alone, to split the channel layer's cost from the connection's.
/// Each round runs every client once, for --seconds, starting one client further along the list each round; before
/// the first round at each caller count every client runs --warmup seconds, not timed.
/// </summary>
public static class CallsBenchmark
{
    private const int Backends = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = TimeSpan.FromSeconds(BenchArgs.Number(args, "--seconds", 1.0));
        var warmup = TimeSpan.FromSeconds(BenchArgs.Number(args, "--warmup", 1.0));
        var rounds = (int)BenchArgs.Number(args, "--rounds", 30);
        var callers = BenchArgs.Callers(args);
        var hostDll = BenchArgs.Text(args, "--host") ?? BackendProcesses.DefaultHostDll();

        await using var backends = await BackendProcesses.StartAsync(hostDll, Backends);
        var first = backends.Ports.Take(1).ToArray();
        var clients = new List<CallsClient>();
        try
        {
            clients.Add(GrpcNetClients.Floor(first[0]));
            clients.Add(await GrpcNetClients.BalancerAsync("pick_first", first));
            clients.Add(await GrpcNetClients.BalancerAsync("round_robin", backends.Ports));
            clients.Add(await ChannelClients.DialAsync("pick_first", first));
            clients.Add(await ChannelClients.DialAsync("round_robin", backends.Ports));
            if (args.Contains("--with-connection"))
            {
                clients.Add(await ChannelClients.ConnectionAsync(first[0]));
            }

            Console.WriteLine($"# calls unary benchmark: {Environment.ProcessorCount} cores, {Backends} backends ({Path.GetFileName(hostDll)} serve, ports {string.Join(',', backends.Ports)}), {seconds.TotalSeconds} s x {rounds} rounds, warmup {warmup.TotalSeconds} s, .NET {Environment.Version}, load average {LoadAverage()}");
            var results = new List<LoopResult>();
            foreach (var n in callers)
            {
                foreach (var client in clients)
                {
                    await ClosedLoop.RunAsync(client.Name, n, warmup, client.Call);
                }

                if (n == callers[0])
                {
                    await CheckSpreadAsync(clients, backends.Ports.Count);
                }

                // A new order each round (seeded, so runs repeat): a rotation keeps who runs after whom, and a client
                // that follows one which loaded all three backends starts on busier backends.
                var shuffle = new Random(n);
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var client in clients.OrderBy(_ => shuffle.Next()).ToArray())
                    {
                        var r = await ClosedLoop.RunAsync(client.Name, n, seconds, client.Call);
                        results.Add(r);
                        Console.WriteLine(Row(r) + $" (round {round + 1})");
                    }
                }
            }

            CallsSummary.Print(results, clients);
            Console.WriteLine($"# load average at the end {LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Every client answers, pick_first from the first backend only, round_robin from every backend in turn.</summary>
    private static async Task CheckSpreadAsync(IReadOnlyList<CallsClient> clients, int backends)
    {
        foreach (var client in clients)
        {
            var answered = new Dictionary<string, int>();
            for (var i = 0; i < 10 * backends; i++)
            {
                var who = (await client.Call()).Value.Split(' ')[^1];
                answered[who] = answered.GetValueOrDefault(who) + 1;
            }

            var expected = client.Role == ClientRole.Floor || client.Policy == "pick_first" ? 1 : backends;
            var spread = string.Join(", ", answered.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
            Console.WriteLine($"# {client.Name}: {10 * backends} calls answered by {spread}");
            if (answered.Count != expected)
            {
                throw new InvalidOperationException($"{client.Name} reached {answered.Count} backends, expected {expected}.");
            }
        }
    }

    private static string Row(LoopResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Variant,-28} callers={r.Callers,-3} {r.CallsPerSecond,9:0} calls/s  p50={r.P50Micros,6:0} µs  p90={r.P90Micros,6:0} µs  p99={r.P99Micros,6:0} µs  {r.CpuMicrosPerCall,6:0.0} µs CPU/call  {r.BytesPerCall,6:0} B/call");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
