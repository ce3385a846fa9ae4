using Microsoft.Extensions.Hosting;

namespace ActorChannel.Host.Server;

/// <summary>
/// The server lives inside someone else's program (the demo, a test, the CLI), which decides when it stops.
/// The default ConsoleLifetime would take the process's Ctrl-C and SIGTERM for itself, so the first Ctrl-C
/// of the embedding program would stop only this server.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
