using System.Net;
using ActorChannel.Host.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Server;

/// <summary>A started <see cref="GreeterServer"/>: where it listens, its switches, what it saw, and how to stop it.</summary>
public sealed class RunningGreeterServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConnectionTracker _connections;
    private readonly CancellationTokenSource _stopping;
    private readonly ILogger _logger;
    private int _stopped;

    internal RunningGreeterServer(WebApplication app, GreeterServerOptions options, int port, HealthStatusRegistry health, ServerBehavior behavior, ServerEvents events, ConnectionTracker connections, CancellationTokenSource stopping, ILogger logger)
    {
        _app = app;
        Options = options;
        Port = port;
        Health = health;
        Behavior = behavior;
        Events = events;
        _connections = connections;
        _stopping = stopping;
        _logger = logger;
    }

    public GreeterServerOptions Options { get; }

    public string InstanceName => Options.InstanceName;

    /// <summary>The bound TCP port; 0 when listening on a Unix domain socket.</summary>
    public int Port { get; }

    public IPEndPoint EndPoint => new(Options.Address, Port);

    /// <summary>"127.0.0.1:port" (or "[::1]:port", or "unix:/path"), as a target for clients.</summary>
    public string Address => Options.UnixSocketPath is { } path ? "unix:" + path : EndPoint.ToString();

    /// <summary>"http://…" for h2c, "https://…" for TLS (TCP only).</summary>
    public Uri Url => new($"{(Options.Certificate is null ? "http" : "https")}://{EndPoint}");

    /// <summary>Switch health statuses at run time: <c>Health.Set("", ServingStatus.NotServing)</c>.</summary>
    public HealthStatusRegistry Health { get; }

    public ServerBehavior Behavior { get; }

    public ServerEvents Events { get; }

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>
    /// Graceful stop: health goes NOT_SERVING, health watches end, Kestrel sends GOAWAY and lets calls in
    /// flight finish (up to <see cref="GreeterServerOptions.ShutdownTimeout"/>), then closes.
    /// </summary>
    public async Task StopGracefullyAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _logger.LogInformation("Greeter server {Instance} stopping gracefully", InstanceName);
        Health.SetAll(ServingStatus.NotServing);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Abort: every connection is dropped at once (no GOAWAY), as if the process died.</summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _logger.LogInformation("Greeter server {Instance} aborting", InstanceName);
        _connections.AbortAll();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Aborts if still running.</summary>
    public ValueTask DisposeAsync() => new(AbortAsync());
}
