namespace ActorChannel.Resolution.Discovery;

/// <summary>
/// akka-discovery:///SERVICE: the addresses Akka.Discovery's configured method finds for SERVICE
/// (<c>ServiceDiscovery.Lookup</c>), so core's config and aggregate methods and any Akka.Management provider
/// (Kubernetes, Azure, AWS) plug in. Looked up again <see cref="RefreshInterval"/> after each answer and on ResolveNow
/// (at most once per <see cref="MinResolveInterval"/>); a failed lookup is a resolver error and the last good list stays.
/// </summary>
public sealed class AkkaDiscoveryResolverFactory : IResolverFactory
{
    public AkkaDiscoveryResolverFactory()
        : this(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5))
    {
    }

    /// <param name="refreshInterval">How long an answer holds before it is looked up again (also after a failed look); <see cref="Timeout.InfiniteTimeSpan"/> for never.</param>
    /// <param name="minResolveInterval">Shortest time between two lookups asked for by ResolveNow.</param>
    /// <param name="lookupTimeout">How long one lookup may take before it fails.</param>
    public AkkaDiscoveryResolverFactory(TimeSpan refreshInterval, TimeSpan minResolveInterval, TimeSpan lookupTimeout)
    {
        if (refreshInterval != Timeout.InfiniteTimeSpan && refreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshInterval), refreshInterval, "The refresh interval must be positive, or infinite for none.");
        }

        if (lookupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lookupTimeout), lookupTimeout, "The lookup timeout must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(minResolveInterval, TimeSpan.Zero);
        RefreshInterval = refreshInterval;
        MinResolveInterval = minResolveInterval;
        LookupTimeout = lookupTimeout;
    }

    public string Scheme => "akka-discovery";

    public TimeSpan RefreshInterval { get; }

    public TimeSpan MinResolveInterval { get; }

    public TimeSpan LookupTimeout { get; }

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        var (service, system) = ActorSystemTarget.Check(target, context, "SERVICE");
        return new AkkaDiscoveryResolver(Akka.Discovery.Discovery.Get(system).Default, service, this);
    }

    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Endpoint;
    }
}
