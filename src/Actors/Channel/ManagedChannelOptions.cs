using ActorChannel.Client.Actors;
using ActorChannel.Client.Backoff;
using ActorChannel.Resolution;
using System.Net.Security;
using ActorChannel.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Client;

/// <summary>One subchannel as <see cref="ManagedChannel.GetSubchannels"/> sees it.</summary>
public sealed record SubchannelInfo(long Id, TransportAddress Address, ConnectivityState State);

/// <summary>Settings of a <see cref="ManagedChannel"/>. Every one is checked by Dial, which names what is wrong.</summary>
public sealed record ManagedChannelOptions
{
    /// <summary>
    /// Transport security, required: <see cref="ChannelCredentials.Insecure"/>, <see cref="ChannelCredentials.SecureSsl"/>
    /// (system roots), <see cref="SslCredentials"/> (given roots in PEM, a client certificate), or a composite of TLS and
    /// call credentials (<see cref="ChannelCredentials.Create"/>, grpc-go's credentials bundle).
    /// </summary>
    public ChannelCredentials? Credentials { get; init; }

    /// <summary>Per-call credentials added to every call (before the call's own).</summary>
    public CallCredentials? CallCredentials { get; init; }

    /// <summary>Send call credentials over plaintext too (Grpc.Net.Client's option of the same name). Off: gRPC refuses them without TLS.</summary>
    public bool UnsafeUseInsecureChannelCallCredentials { get; init; }

    /// <summary>The name TLS sends (SNI) and checks the server certificate against, when it is not the authority's host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Replaces the server certificate check with the caller's (pinning, tests); null for the standard check.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>The resolver scheme for targets without a registered one (grpc-go's NewClient rule: dns).</summary>
    public string DefaultScheme { get; init; } = "dns";

    /// <summary>Service config JSON used until (and unless) the resolver supplies one, e.g. {"loadBalancingConfig":[{"round_robin":{}}]}.</summary>
    public string? DefaultServiceConfig { get; init; }

    /// <summary>Connection backoff and the minimum connect timeout.</summary>
    public BackoffOptions Backoff { get; init; } = BackoffOptions.Default;

    /// <summary>The :authority of calls; null for the resolver's default for the target.</summary>
    public string? Authority { get; init; }

    /// <summary>Keepalive ping interval, at least 1 s; <see cref="Timeout.InfiniteTimeSpan"/> (default) turns pings off.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a keepalive ping may go unanswered before the connection is dropped: at least 1 s, or infinite.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public int? MaxReceiveMessageSize { get; init; } = TransportOptions.DefaultMaxReceiveMessageSize;

    public int? MaxSendMessageSize { get; init; }

    /// <summary>A product token sent before Grpc.Net.Client's own user-agent (grpc-go's WithUserAgent); null sends Grpc.Net.Client's alone, which costs nothing per call.</summary>
    public string? UserAgent { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Makes the connections; null for the HTTP/2 transport (<see cref="HttpClientTransportFactory"/>). Tests put a fake here.</summary>
    public IClientTransportFactory? TransportFactory { get; init; }

    /// <summary>Resolver schemes; null for <see cref="ResolverRegistry.Default"/>.</summary>
    public ResolverRegistry? Resolvers { get; init; }

    /// <summary>Uniform random numbers in [0, 1) for backoff jitter and round-robin start; null for <see cref="Random.Shared"/>.</summary>
    public Func<double>? RandomSource { get; init; }

    /// <summary>Told of every subchannel state change (on the subchannel actor's thread; keep it quick). For diagnostics and tests.</summary>
    public Action<SubchannelTransition>? TransitionObserver { get; init; }
}
