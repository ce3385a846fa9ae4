using ActorChannel.Benchmarks.Kernel;
using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable through the switcher (use --filter, --list flat).
// "--idle-memory" and "--kernel-quick" are not a BenchmarkDotNet run: it measures retained heap per idle actor directly.
if (args.Length > 0 && args[0] == "--idle-memory")
{
    return IdleActorMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

if (args.Length > 0 && args[0] == "--kernel-quick")
{
    return await QuickRun.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(IdleActorMemory).Assembly).Run(args);
return 0;
