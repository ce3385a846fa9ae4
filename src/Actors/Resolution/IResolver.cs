namespace ActorChannel.Resolution;

/// <summary>
/// Name resolution for one target, hosted by the channel's resolver actor, which serialises every call
/// (never two at once), rate-limits re-resolution and retries failures with backoff. A resolver that
/// learns of changes by itself (a watch, a manual resolver in tests) reports them through
/// <see cref="ResolverContext.OnUpdate"/> instead of waiting to be asked.
/// </summary>
/// <remarks>
/// <para>
/// A resolver that must poll to learn of changes (dns, whose answers expire with their TTL; akka-discovery) needs no timer of its
/// own: it sets <see cref="ResolutionResult.Refresh"/> on its answer, and the resolver actor arms a timer on the
/// channel's clock (the actor system's scheduler) and calls <see cref="ResolveAsync"/> itself when it fires. So a
/// refresh never overlaps another resolution, and it stops with the actor. The schedule of the latest answer,
/// returned or pushed, is the one that counts; an answer without one ends the refreshing.
/// </para>
/// <para>
/// A refresh differs from a resolution the channel asked for in three ways: if a resolution is already running it is
/// skipped (that one's answer is as fresh and brings its own schedule); an answer the same as the last one sent to
/// the channel (<see cref="ResolutionResult.SameAs"/>) goes no further; and a failure is reported to the channel,
/// which keeps its addresses, and is looked at again after <see cref="RefreshSchedule.AfterFailure"/> instead of
/// the failure backoff. A refresh does not count against <see cref="MinResolveInterval"/>, which limits ResolveNow.
/// </para>
/// </remarks>
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
