using System.Security.Cryptography.X509Certificates;
using ActorChannel.Client;
using ActorChannel.Client.Backoff;
using ActorChannel.Host.Server;
using ActorChannel.TestKit;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The Greeter servers (Grpc.AspNetCore on Kestrel, in process, 127.0.0.1) and the channels one test starts, closed
/// in that order when it ends; log lines of both go to the test output. Real sockets and real time, so every wait a
/// test makes is bounded by <see cref="Bound"/>.
/// </summary>
internal sealed class Loopback(ITestOutputHelper output) : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>A quick reconnect, so a backend that comes up is found within a fraction of a second.</summary>
    public static readonly BackoffOptions ShortBackoff = new() { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500), MinConnectTimeout = TimeSpan.FromSeconds(5) };

    private readonly List<RunningGreeterServer> _backends = new();
    private readonly List<ManagedChannel> _channels = new();

    public ILoggerFactory Logs { get; } = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new TestOutputLoggerProvider(output)));

    /// <summary>Wait-for-ready, with a deadline of <see cref="Bound"/> from now.</summary>
    public static CallOptions Options(Metadata? headers = null) =>
        new CallOptions(headers: headers, deadline: DateTime.UtcNow + Bound).WithWaitForReady();

    /// <summary>"ipv4:127.0.0.1:a,127.0.0.1:b".</summary>
    public static string Target(params RunningGreeterServer[] backends) => "ipv4:" + string.Join(",", backends.Select(b => "127.0.0.1:" + b.Port));

    /// <param name="certificate">Serve TLS with it (with its private key); null for h2c.</param>
    public Task<RunningGreeterServer> StartAsync(string name, int port = 0, X509Certificate2? certificate = null) =>
        StartAsync(new GreeterServerOptions { InstanceName = name, Port = port, Certificate = certificate });

    public async Task<RunningGreeterServer> StartAsync(GreeterServerOptions options)
    {
        var backend = await GreeterServer.StartAsync(options with { LoggerFactory = Logs });
        _backends.Add(backend);
        return backend;
    }

    /// <summary>Dials plaintext with <paramref name="options"/> (default: the short backoff); the logs are the test's.</summary>
    public ManagedChannel Dial(string target, ManagedChannelOptions? options = null)
    {
        var channel = ManagedChannel.Dial(target, (options ?? new ManagedChannelOptions { Backoff = ShortBackoff }) with
        {
            Credentials = options?.Credentials ?? ChannelCredentials.Insecure,
            LoggerFactory = Logs,
        });
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        Logs.Dispose();
    }
}
