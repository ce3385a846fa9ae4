using ActorChannel.Protos.HelloWorld;
using System.Net;
using ActorChannel.Host.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Host.Server;

/// <summary>
/// The Greeter server on Kestrel: helloworld.Greeter, the interop test service and grpc.health.v1.Health,
/// over h2c or TLS. <c>await using var server = await GreeterServer.StartAsync(new() { InstanceName = "a" });</c>
/// </summary>
public static class GreeterServer
{
    /// <summary>Starts the server and returns once Kestrel is listening (ApplicationStarted has fired).</summary>
    /// <exception cref="IOException">The address could not be bound (e.g. the port is in use); the message names it.</exception>
    public static async Task<RunningGreeterServer> StartAsync(GreeterServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var stopping = new CancellationTokenSource();
        var healthService = new HealthService(stopping.Token);
        var health = new HealthStatusRegistry(healthService);
        var behavior = new ServerBehavior(options.Delay, options.FailWith);
        var events = new ServerEvents();
        var connections = new ConnectionTracker();
        foreach (var service in new[] { "", Greeter.Descriptor.FullName, ActorChannel.Protos.Testing.TestService.Descriptor.FullName })
        {
            health.Set(service, options.InitialHealth);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        AddGrpcServices(builder.Services, options, healthService, behavior, events, connections);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // gRPC streams may be long and quiet, and messages large: the HTTP body limits meant for
            // uploads do not apply; the per-message limit is enforced by the gRPC layer instead.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 2 * 1024 * 1024;
            Action<ListenOptions> configure = listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(connections.Middleware);
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            };
            if (options.UnixSocketPath is { } socketPath)
            {
                kestrel.ListenUnixSocket(socketPath, configure);
            }
            else
            {
                kestrel.Listen(options.Address, options.Port, configure);
            }
        });

        var app = builder.Build();
        var logger = loggerFactory.CreateLogger("ActorChannel.Host.Server.GreeterServer");
        app.MapGrpcService<GreeterService>();
        app.MapGrpcService<TestService>();
        app.MapGrpcService<HealthService>();

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = app.Lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Cannot listen on {Where(options)}: {ex.Message}", ex);
        }

        var port = options.UnixSocketPath is null ? BoundPort(app) : 0;
        logger.LogInformation("Greeter server {Instance} listening on {Address} ({Security})", options.InstanceName, options.UnixSocketPath is null ? $"{options.Address}:{port}" : Where(options), options.Certificate is null ? "h2c" : "tls");
        return new RunningGreeterServer(app, options, port, health, behavior, events, connections, stopping, logger);
    }

    private static void AddGrpcServices(IServiceCollection services, GreeterServerOptions options, HealthService health, ServerBehavior behavior, ServerEvents events, ConnectionTracker connections)
    {
        // The services are singletons built here, so Grpc.AspNetCore's activator takes these instances
        // instead of making one per call.
        services.AddSingleton(new GreeterService(options.InstanceName));
        services.AddSingleton(new TestService(options.InstanceName, options.TimeProvider));
        services.AddSingleton(health);
        services.AddSingleton(new ServerEventsInterceptor(events, connections, new Logger<ServerEventsInterceptor>(options.LoggerFactory ?? NullLoggerFactory.Instance)));
        services.AddSingleton(new ServerBehaviorInterceptor(behavior, options.TimeProvider));
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = options.MaxSendMessageSize;
            // Events outermost: a call cancelled during the artificial delay is still seen as cancelled.
            grpc.Interceptors.Add<ServerEventsInterceptor>();
            grpc.Interceptors.Add<ServerBehaviorInterceptor>();
        });
    }

    private static string Where(GreeterServerOptions options) =>
        options.UnixSocketPath is { } path ? "unix:" + path : $"{options.Address}:{options.Port}";

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        return new Uri(first.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
    }
}
