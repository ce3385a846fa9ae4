using ActorChannel.Host.Server;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Demo;

/// <summary>The demo's Greeter servers, in process on loopback ephemeral ports, each killable and restartable on its port.</summary>
public sealed class DemoBackends : IAsyncDisposable
{
    private readonly RunningGreeterServer?[] _servers;
    private readonly ILoggerFactory _logs;

    private DemoBackends(RunningGreeterServer[] servers, ILoggerFactory logs)
    {
        _servers = servers;
        _logs = logs;
        Names = servers.Select(s => s.InstanceName).ToArray();
        Addresses = servers.Select(s => s.Address).ToArray();
        Ports = servers.Select(s => s.Port).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>"127.0.0.1:port" of each backend, as the channel's subchannels name them.</summary>
    public IReadOnlyList<string> Addresses { get; }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>The channel target listing every backend: ipv4:127.0.0.1:a,127.0.0.1:b,...</summary>
    public string Target => "ipv4:" + string.Join(',', Addresses);

    public bool IsUp(int index) => _servers[index] is not null;

    public static async Task<DemoBackends> StartAsync(int count, ILoggerFactory logs, CancellationToken ct)
    {
        var starting = Enumerable.Range(1, count).Select(i => GreeterServer.StartAsync(Options($"backend-{i}", 0, logs), ct)).ToArray();
        try
        {
            return new DemoBackends(await Task.WhenAll(starting).ConfigureAwait(false), logs);
        }
        catch
        {
            foreach (var task in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await task.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Drops every connection of the backend at once, no GOAWAY: as if its process died.</summary>
    public async Task KillAsync(int index)
    {
        if (Interlocked.Exchange(ref _servers[index], null) is { } server)
        {
            await server.AbortAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the backend again on its old port. Throws IOException if something else took the port meanwhile.</summary>
    public async Task RestartAsync(int index, CancellationToken ct)
    {
        var server = await GreeterServer.StartAsync(Options(Names[index], Ports[index], _logs), ct).ConfigureAwait(false);
        if (Interlocked.CompareExchange(ref _servers[index], server, null) is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            if (Interlocked.Exchange(ref _servers[i], null) is { } server)
            {
                await server.StopGracefullyAsync().ConfigureAwait(false);
            }
        }
    }

    private static GreeterServerOptions Options(string name, int port, ILoggerFactory logs) => new()
    {
        InstanceName = name,
        Port = port,
        LoggerFactory = logs,
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };
}
