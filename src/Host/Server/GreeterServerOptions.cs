using Grpc.Core;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Server;

/// <summary>How to start a <see cref="GreeterServer"/>. Defaults: plaintext h2c on 127.0.0.1, an ephemeral port.</summary>
public sealed record GreeterServerOptions
{
    public const int DefaultMaxReceiveMessageSize = 16 * 1024 * 1024;

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 binds an ephemeral port; read the bound one from <see cref="RunningGreeterServer.Port"/>.</summary>
    public int Port { get; init; }

    /// <summary>Listen on this Unix domain socket instead of <see cref="Address"/>:<see cref="Port"/>.</summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Named in every Greeter reply ("Hello {name} from {instance}") and in test-service replies.</summary>
    public string InstanceName { get; init; } = "server";

    /// <summary>Serve TLS (ALPN h2) with this certificate (it must have its private key); null for h2c.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Artificial delay before each Greeter and test-service call; changeable later through <see cref="RunningGreeterServer.Behavior"/>.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>When set, every Greeter and test-service call fails with this status (health keeps answering).</summary>
    public Status? FailWith { get; init; }

    /// <summary>Largest request message accepted (after decompression); larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>Health status of "" and of each served service at start.</summary>
    public ServingStatus InitialHealth { get; init; } = ServingStatus.Serving;

    /// <summary>How long a graceful stop waits for calls in flight before dropping them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The artificial delay and the test service's delays and stream intervals are read against this clock.
    /// Call deadlines are not: Grpc.AspNetCore times them on the real clock.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 0 and 65535.");
        }

        if (UnixSocketPath is not null && (Port != 0 || UnixSocketPath.Length == 0))
        {
            throw new ArgumentException($"UnixSocketPath '{UnixSocketPath}' replaces Address and Port: leave Port at 0 and give a non-empty path.", nameof(UnixSocketPath));
        }

        if (Delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Delay), Delay, "Delay must not be negative.");
        }

        if (MaxReceiveMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReceiveMessageSize), MaxReceiveMessageSize, "MaxReceiveMessageSize must be positive.");
        }

        if (Certificate is { HasPrivateKey: false })
        {
            throw new ArgumentException($"Certificate '{Certificate.Subject}' has no private key; a TLS server needs one.", nameof(Certificate));
        }
    }
}

/// <summary>The health statuses of grpc.health.v1 a server can be switched to.</summary>
public enum ServingStatus
{
    Unknown = 0,
    Serving = 1,
    NotServing = 2,
}

/// <summary>The server's behaviour that tests and the demo switch at run time.</summary>
public sealed class ServerBehavior
{
    private volatile Settings _settings;

    internal ServerBehavior(TimeSpan delay, Status? failWith) => _settings = new Settings(delay, failWith);

    public TimeSpan Delay
    {
        get => _settings.Delay;
        set => _settings = _settings with { Delay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Delay must not be negative.") };
    }

    /// <summary>Null to answer normally; a status to fail every (non-health) call with it.</summary>
    public Status? FailWith
    {
        get => _settings.FailWith;
        set => _settings = _settings with { FailWith = value };
    }

    private sealed record Settings(TimeSpan Delay, Status? FailWith);
}
