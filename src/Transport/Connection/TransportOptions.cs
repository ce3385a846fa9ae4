using System.Net.Security;
using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>Settings of one connection. Defaults follow gRPC's: keepalive off, 4 MiB receive limit, no send limit.</summary>
public sealed record TransportOptions
{
    public static readonly int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// <see cref="ChannelCredentials.Insecure"/> (h2c with prior knowledge), or TLS: <see cref="ChannelCredentials.SecureSsl"/>
    /// for the system roots, <see cref="SslCredentials"/> for given roots (PEM), a client certificate or a peer check.
    /// Composite credentials (<see cref="ChannelCredentials.Create"/>) also add their call credentials to every call.
    /// </summary>
    public ChannelCredentials Credentials { get; init; } = ChannelCredentials.Insecure;

    /// <summary>The :authority sent with each call; null means the dialled host:port.</summary>
    public string? Authority { get; init; }

    /// <summary>The server name TLS sends (SNI) and checks the certificate against, when it differs from the authority's host (gRPC's ssl_target_name_override).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Replaces the certificate check (chain and name) with the caller's own, e.g. for pinning; null for the standard check.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>Send call credentials over plaintext too (Grpc.Net.Client's option of the same name); off, as gRPC requires.</summary>
    public bool UnsafeUseInsecureChannelCallCredentials { get; init; }

    /// <summary>
    /// The shortest keepalive delay and ping timeout accepted: SocketsHttpHandler's own floor. (gRPC's keepalive
    /// guidance asks for at least 10 s between pings; shorter ones are allowed here for tests on loopback.)
    /// </summary>
    public static readonly TimeSpan MinimumKeepAlive = TimeSpan.FromSeconds(1);

    /// <summary>Interval of keepalive pings; <see cref="Timeout.InfiniteTimeSpan"/> (the default) turns them off.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a keepalive ping may go unanswered before the connection counts as dead; at least <see cref="MinimumKeepAlive"/>.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Send keepalive pings also while no call is active (gRPC's permit_without_calls); off by default.</summary>
    public bool KeepAlivePermitWithoutCalls { get; init; }

    /// <summary>Largest response message accepted; larger ones end the call with RESOURCE_EXHAUSTED. Null for no limit.</summary>
    public int? MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>A product token put before Grpc.Net.Client's own user-agent (as grpc-go prepends its option); null sends Grpc.Net.Client's alone.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// Takes the calls this connection never processed (refused before sending, past a GOAWAY's last stream id, reset
    /// with REFUSED_STREAM) to another connection, once per call; null lets them fail UNAVAILABLE. Calls with a
    /// streaming request body are never moved: their body may be partly read.
    /// </summary>
    public CallRerouter? Reroute { get; init; }

    /// <summary>The clock the keepalive check reads when it explains a dropped connection.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// What is wrong with a keepalive setting, or null: one rule for the transport and for whoever checks options
    /// before making one (a channel's Dial), so that nothing it accepts fails every connect attempt later.
    /// </summary>
    /// <param name="prefix">How the caller names its options in the message, e.g. "ManagedChannelOptions.".</param>
    public static string? KeepAliveProblem(TimeSpan delay, TimeSpan timeout, string prefix = "")
    {
        if (delay != Timeout.InfiniteTimeSpan && delay < MinimumKeepAlive)
        {
            return $"{prefix}KeepAlivePingDelay {delay} is below the {MinimumKeepAlive.TotalSeconds:0} s minimum (Timeout.InfiniteTimeSpan turns keepalive off).";
        }

        if (timeout != Timeout.InfiniteTimeSpan && timeout < MinimumKeepAlive)
        {
            return $"{prefix}KeepAlivePingTimeout {timeout} is below the {MinimumKeepAlive.TotalSeconds:0} s minimum.";
        }

        return null;
    }
}
