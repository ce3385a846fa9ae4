using Grpc.Core;
using System.Globalization;
using ActorChannel.Benchmarks.Transport;
using ActorChannel.Client;
using ActorChannel.Transport;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>
/// Closed-loop unary throughput through the channel beside the bare transport (one HttpClientTransport, the
/// channel's floor) in the same run, against the transport benchmark's in-process Kestrel Greeter.
/// <c>dotnet run -c Release --project tests/ActorChannel.Benchmarks -- channel [--seconds 5] [--warmup 2] [--rounds 2] [--callers 1,16] [--variants pick,round]</c>.
/// </summary>
public static class ChannelThroughputBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchArgs.Number(args, "--seconds", 5.0);
        var warmup = BenchArgs.Number(args, "--warmup", 2.0);
        var rounds = (int)BenchArgs.Number(args, "--rounds", 2.0);
        var callers = BenchArgs.Callers(args);

        await using var server = await GreeterEndpoint.StartAsync();
        var target = $"ipv4:127.0.0.1:{server.Port}";
        await using var transport = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", server.Port), new TransportOptions(), _ => { });
        await transport.ConnectAsync(CancellationToken.None);
        await using var pickFirst = Dial(target, "pick_first");
        await using var roundRobin = Dial(target, "round_robin");
        await pickFirst.ConnectAsync();
        await roundRobin.ConnectAsync();

        var variants = new (string Name, Func<Task> Call)[]
        {
            ("bare HttpClientTransport", () => UnaryClients.CallAsync(transport.Invoker)),
            ("ManagedChannel pick_first", () => UnaryClients.CallAsync(pickFirst.CreateCallInvoker())),
            ("ManagedChannel round_robin", () => UnaryClients.CallAsync(roundRobin.CreateCallInvoker())),
        };
        variants = RoundSummary.Select(variants, BenchArgs.Text(args, "--variants"));

        Console.WriteLine($"# channel unary benchmark: {Environment.ProcessorCount} cores, in-process server, {seconds} s x {rounds} rounds, warmup {warmup} s, .NET {Environment.Version}");
        var results = new List<LoopResult>();
        foreach (var n in callers)
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, call) in variants)
                {
                    if (round == 0)
                    {
                        await ClosedLoop.RunAsync(name, n, TimeSpan.FromSeconds(warmup), call);
                    }

                    var r = await ClosedLoop.RunAsync(name, n, TimeSpan.FromSeconds(seconds), call);
                    results.Add(r);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-26} callers={n,-3} {r.CallsPerSecond,9:0} calls/s  p50={r.P50Micros,7:0} µs  p99={r.P99Micros,7:0} µs  {r.BytesPerCall,6:0} B/call  {r.CpuMicrosPerCall,5:0.0} µs CPU/call (round {round + 1})"));
                }
            }
        }

        RoundSummary.Print(results, variants[0].Name);
        return 0;
    }

    private static ManagedChannel Dial(string target, string policy) => ManagedChannel.Dial(target, new ManagedChannelOptions
    {
        Credentials = ChannelCredentials.Insecure,
        DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
    });
}
