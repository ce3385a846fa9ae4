using ActorChannel.Benchmarks.Channel;
using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable through the switcher (use --filter, --list flat).
// Some modes are not BenchmarkDotNet runs: "transport" / "channel" are closed-loop load tests with latency
// percentiles, which BenchmarkDotNet does not report, "calls" is such a load test of the channel beside Grpc.Net.Client
// against backends in processes of their own, and "actors" times the actor runtime's reactions.
if (args.Length > 0 && args[0] == "transport")
{
    return await ActorChannel.Benchmarks.Transport.TransportBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "channel")
{
    return await ChannelThroughputBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "calls")
{
    return await ActorChannel.Benchmarks.Calls.CallsBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "actors")
{
    return await ActorRuntimeBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(RoundRobinPickBenchmarks).Assembly).Run(args);
return 0;
