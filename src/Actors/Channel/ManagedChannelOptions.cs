using ActorChannel.Client.Actors;
using ActorChannel.Client.Backoff;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Client;

/// <summary>One subchannel as <see cref="ManagedChannel.GetSubchannels"/> sees it.</summary>
public sealed record SubchannelInfo(long Id, TransportAddress Address, Connectivity.ConnectivityState State);

/// <summary>Transport security and per-call credentials chosen together (grpc-go's credentials bundle).</summary>
public sealed record CredentialsBundle(ChannelCredentials TransportCredentials, CallCredentials? CallCredentials = null);

/// <summary>Settings of a <see cref="ManagedChannel"/>. Every one is checked by Dial, which names what is wrong.</summary>
public sealed record ManagedChannelOptions
{
    /// <summary>Transport security: <see cref="ChannelCredentials.Insecure"/> or <see cref="ChannelCredentials.Tls(System.Security.Cryptography.X509Certificates.X509Certificate2?, string?)"/>. Required unless <see cref="CredentialsBundle"/> is set.</summary>
    public ChannelCredentials? Credentials { get; init; }

    /// <summary>Transport and per-call credentials together; not with <see cref="Credentials"/>.</summary>
    public CredentialsBundle? CredentialsBundle { get; init; }

    /// <summary>Per-call credentials added to every call (before the call's own).</summary>
    public CallCredentials? CallCredentials { get; init; }

    /// <summary>The resolver scheme for targets without a registered one (grpc-go's NewClient rule: dns).</summary>
    public string DefaultScheme { get; init; } = "dns";

    /// <summary>Service config JSON used until (and unless) the resolver supplies one, e.g. {"loadBalancingConfig":[{"round_robin":{}}]}.</summary>
    public string? DefaultServiceConfig { get; init; }

    /// <summary>Connection backoff and the minimum connect timeout.</summary>
    public BackoffOptions Backoff { get; init; } = BackoffOptions.Default;

    /// <summary>The :authority of calls; null for the resolver's default for the target.</summary>
    public string? Authority { get; init; }

    /// <summary>Keepalive ping interval; <see cref="Timeout.InfiniteTimeSpan"/> (default) turns pings off.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public int? MaxReceiveMessageSize { get; init; } = TransportOptions.DefaultMaxReceiveMessageSize;

    public int? MaxSendMessageSize { get; init; }

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
