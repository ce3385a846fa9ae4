using Akka.Actor;
using Akka.Configuration;

namespace ActorChannel.Host.Logging;

/// <summary>
/// The actor system a Host command runs its channels in: Akka's own log events go to Serilog (Akka.Logger.Serilog,
/// through Serilog's global logger that <see cref="HostLogging.CreateFactory"/> sets), and disposing it terminates it.
/// </summary>
public sealed class HostActorSystem : IAsyncDisposable
{
    /// <summary>Akka's logging through Serilog, for this and any other system of the Host.</summary>
    public static readonly Config SerilogConfig = ConfigurationFactory.ParseString("""
        akka.loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
        akka.loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    private HostActorSystem(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    public static HostActorSystem Start(string name, Config? config = null) =>
        new(ActorSystem.Create(name, (config ?? Config.Empty).WithFallback(SerilogConfig)));

    public async ValueTask DisposeAsync() => await System.Terminate().ConfigureAwait(false);
}
