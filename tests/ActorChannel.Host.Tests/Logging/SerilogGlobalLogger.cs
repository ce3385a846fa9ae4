using Xunit;

namespace ActorChannel.Host.Tests.Logging;

/// <summary>
/// Tests that read what reaches Serilog's global logger. Akka.Logger.Serilog writes every actor system's events to
/// that one process-wide logger, and HostLogging.CreateFactory replaces it, so tests running beside these (CLI
/// commands, samples) would swap it or write into it; this collection runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerilogGlobalLogger
{
    public const string Name = "Serilog's global logger";
}
