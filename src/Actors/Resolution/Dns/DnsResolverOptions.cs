namespace ActorChannel.Resolution;

/// <summary>How the dns resolver looks names up and how often it looks again.</summary>
public sealed record DnsResolverOptions
{
    /// <summary>Shortest time between two resolutions asked by ResolveNow (grpc-go: 30 s).</summary>
    public TimeSpan MinResolveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one resolution (all of its queries) may take before it fails.</summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The answer is looked up again when its smallest TTL runs out, but never sooner than this, so a TTL of 0 or 1
    /// cannot make the resolver hammer its server; a refresh that fails is tried again after this. The resolver actor
    /// does the looking (<see cref="ResolutionResult.Refresh"/>). <see cref="TimeSpan.Zero"/> turns the TTL refresh
    /// off (the resolver then looks again only when the channel asks).
    /// </summary>
    public TimeSpan TtlRefreshFloor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Read the service config from the TXT record <c>_grpc_config.&lt;host&gt;</c> (gRPC's service_config.md).
    /// Off by default, as in grpc-go, because whoever controls the DNS zone then controls the channel's policy.
    /// </summary>
    public bool EnableServiceConfig { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinResolveInterval, TimeSpan.Zero, nameof(MinResolveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LookupTimeout, TimeSpan.Zero, nameof(LookupTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(TtlRefreshFloor, TimeSpan.Zero, nameof(TtlRefreshFloor));
    }
}
