using ActorChannel.Benchmarks.Kernel;
using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable through the switcher (use --filter, --list flat).
// Some modes are not BenchmarkDotNet runs: "--idle-memory" measures retained heap per idle actor directly,
// "--kernel-quick" is a few seconds of kernel ping-pong for quick comparisons, and "transport" / "channel"
// are closed-loop load tests with latency percentiles, which BenchmarkDotNet does not report.
if (args.Length > 0 && args[0] == "--idle-memory")
{
    return IdleActorMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

if (args.Length > 0 && args[0] == "--kernel-quick")
{
    return await QuickRun.RunAsync();
}

if (args.Length > 0 && args[0] == "transport")
{
    return await ActorChannel.Benchmarks.Transport.TransportBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "channel")
{
    return await ActorChannel.Benchmarks.Channel.ChannelThroughputBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(IdleActorMemory).Assembly).Run(args);
return 0;
