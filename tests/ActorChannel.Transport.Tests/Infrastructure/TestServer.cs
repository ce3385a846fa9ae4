using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>A Kestrel HTTP/2 endpoint on 127.0.0.1:0 (h2c, or TLS with the given certificate) for one test.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ConnectionContext> _connections = new();

    private TestServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public string? UnixPath { get; private set; }

    public TransportAddress Address => UnixPath is null ? TransportAddress.Tcp("127.0.0.1", Port) : TransportAddress.Unix(UnixPath);

    public static async Task<TestServer> StartAsync(Action<IEndpointRouteBuilder> map, X509Certificate2? certificate = null, string? unixPath = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        TestServer? server = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(next => async connection =>
                {
                    lock (server!._connections)
                    {
                        server._connections.Add(connection);
                    }

                    await next(connection);
                });
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            }

            if (unixPath is null)
            {
                k.Listen(IPAddress.Loopback, 0, Configure);
            }
            else
            {
                k.ListenUnixSocket(unixPath, Configure);
            }
        });
        builder.Services.AddRouting();
        var app = builder.Build();
        server = new TestServer(app);
        map(app);
        await app.StartAsync();
        if (unixPath is null)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.Port = new Uri(address).Port;
        }

        server.UnixPath = unixPath;
        return server;
    }

    /// <summary>Connections Kestrel accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>How many connections were accepted before now (see <see cref="AcceptBarrier"/>); TCP listeners only.</summary>
    public Task<int> AcceptedBeforeAsync(TimeSpan timeout) =>
        AcceptBarrier.CountBeforeAsync(IPAddress.Loopback, Port, () =>
        {
            lock (_connections)
            {
                return _connections.Select(c => c.RemoteEndPoint).ToList();
            }
        }, timeout);

    /// <summary>Completes when the nth accepted connection (0-based) has closed, as Kestrel sees it.</summary>
    public Task ConnectionClosed(int index)
    {
        lock (_connections)
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[index].ConnectionClosed.Register(() => closed.TrySetResult());
            return closed.Task;
        }
    }

    /// <summary>Drops every connection at the socket level (no GOAWAY), as a crashing server would.</summary>
    public void AbortConnections()
    {
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Abort(new ConnectionAbortedException("test aborts the connection"));
            }
        }
    }

    /// <summary>Graceful stop: Kestrel sends GOAWAY and lets calls in flight finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}
