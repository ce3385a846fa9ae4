using System.Buffers.Binary;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// A Kestrel h2c backend on loopback serving one unary method, /test.Echo/Say, which answers with the backend's
/// name (after <see cref="Delay"/>), so a test sees where each call went. In-process: no child process to stop.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ConnectionContext> _connections = new();
    private int _calls;

    private EchoBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public int Calls => Volatile.Read(ref _calls);

    public TimeSpan Delay { get; set; }

    public static async Task<EchoBackend> StartAsync(string name, int port = 0, string? unixPath = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        EchoBackend? backend = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(next => async connection =>
                {
                    lock (backend!._connections)
                    {
                        backend._connections.Add(connection);
                    }

                    await next(connection);
                });
            }

            if (unixPath is null)
            {
                k.Listen(IPAddress.Loopback, port, Configure);
            }
            else
            {
                k.ListenUnixSocket(unixPath, Configure);
            }
        });
        var app = builder.Build();
        backend = new EchoBackend(app, name);
        app.MapPost("/test.Echo/Say", backend.SayAsync);
        await app.StartAsync();
        if (unixPath is null)
        {
            backend.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        }

        return backend;
    }

    /// <summary>Graceful shutdown: Kestrel sends GOAWAY, lets calls in flight finish, then stops.</summary>
    public Task StopGracefullyAsync() => _app.StopAsync();

    /// <summary>A crash: every connection dropped at the socket (no GOAWAY), and the port closed.</summary>
    public async Task KillAsync()
    {
        // Listener first, so no new connection is accepted and then dropped while dying.
        using var now = new CancellationTokenSource();
        now.Cancel();
        await _app.StopAsync(now.Token);
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _app.DisposeAsync();
    }

    private async Task SayAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        Interlocked.Increment(ref _calls);
        var payload = Encoding.UTF8.GetBytes(Name);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
