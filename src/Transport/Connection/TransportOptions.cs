using System.Reflection;

namespace ActorChannel.Transport;

/// <summary>Settings of one connection. Defaults follow gRPC's: keepalive off, 4 MiB receive limit, no send limit.</summary>
public sealed record TransportOptions
{
    public static readonly int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    public static string DefaultUserAgent { get; } =
        "actorchannel-dotnet/" + (typeof(TransportOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public ChannelCredentials Credentials { get; init; } = ChannelCredentials.Insecure;

    /// <summary>The :authority sent with each call; null means the dialled host:port.</summary>
    public string? Authority { get; init; }

    /// <summary>Interval of keepalive pings; <see cref="Timeout.InfiniteTimeSpan"/> (the default) turns them off.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Send keepalive pings also while no call is active (gRPC's permit_without_calls); off by default.</summary>
    public bool KeepAlivePermitWithoutCalls { get; init; }

    /// <summary>Largest response message accepted; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int? MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    public string UserAgent { get; init; } = DefaultUserAgent;

    /// <summary>The clock that call deadlines are read against.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
