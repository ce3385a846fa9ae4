using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// Name resolution for one target, hosted by the channel's resolver actor, which serialises every call
/// (never two at once), rate-limits re-resolution and retries failures with backoff. A resolver that
/// learns of changes by itself (a watch, a manual resolver in tests) reports them through
/// <see cref="ResolverContext.OnUpdate"/> instead of waiting to be asked.
/// </summary>
public interface IResolver : IAsyncDisposable
{
    /// <summary>Resolves now. Throws on failure; the message of the exception is reported to the channel.</summary>
    Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken);

    /// <summary>Shortest time between two resolutions asked by ResolveNow (dns: 30 s; static lists: zero).</summary>
    TimeSpan MinResolveInterval { get; }
}

/// <summary>Makes resolvers for one URI scheme; registered in a <see cref="ResolverRegistry"/>.</summary>
public interface IResolverFactory
{
    /// <summary>The scheme this factory serves, lower case, e.g. "dns".</summary>
    string Scheme { get; }

    /// <summary>Makes a resolver, or throws ArgumentException naming what is wrong with the target.</summary>
    IResolver Create(ChannelTarget target, ResolverContext context);

    /// <summary>The :authority calls carry by default for this target (dns: the endpoint's host[:port]).</summary>
    string GetDefaultAuthority(ChannelTarget target);
}

/// <summary>The result of one resolution: the addresses and, optionally, a service config in JSON.</summary>
public sealed record ResolutionResult(IReadOnlyList<TransportAddress> Addresses, string? ServiceConfigJson = null);

/// <summary>What a resolver gets from its host: a clock, a logger, and a way to push unasked-for updates.</summary>
public sealed class ResolverContext
{
    public ResolverContext(TimeProvider timeProvider, Microsoft.Extensions.Logging.ILogger logger, Action<ResolutionResult> onUpdate, Action<Exception> onError)
    {
        TimeProvider = timeProvider;
        Logger = logger;
        OnUpdate = onUpdate;
        OnError = onError;
    }

    public TimeProvider TimeProvider { get; }

    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>Push a new result (thread-safe; it is marshalled into the resolver actor's mailbox).</summary>
    public Action<ResolutionResult> OnUpdate { get; }

    /// <summary>Push an error (thread-safe).</summary>
    public Action<Exception> OnError { get; }

    /// <summary>
    /// The actor system the channel lives in, for resolvers that are actors themselves (akka-cluster, akka-discovery);
    /// null where a resolver is made outside a channel.
    /// </summary>
    public Akka.Actor.ActorSystem? System { get; init; }
}
