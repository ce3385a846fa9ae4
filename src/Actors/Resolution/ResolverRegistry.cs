using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ActorChannel.Resolution;

/// <summary>
/// Resolver factories by scheme (case-insensitive). <see cref="Default"/> is the process-wide registry,
/// like grpc-go's global one: register custom schemes at start-up. Tests and channels that want their own
/// set use <see cref="CreateDefault"/> or the constructor. Safe to use from any thread.
/// </summary>
public sealed class ResolverRegistry
{
    private ImmutableDictionary<string, IResolverFactory> _factories =
        ImmutableDictionary.Create<string, IResolverFactory>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry holding the given factories (later ones replace earlier ones of the same scheme).</summary>
    public ResolverRegistry(params IEnumerable<IResolverFactory> factories)
    {
        foreach (var factory in factories)
        {
            Register(factory);
        }
    }

    /// <summary>The process-wide registry: dns, passthrough, ipv4, ipv6, unix, unix-abstract, etcd, and whatever is registered.</summary>
    public static ResolverRegistry Default { get; } = CreateDefault();

    /// <summary>A new registry with the built-in schemes only.</summary>
    public static ResolverRegistry CreateDefault() => new(
        new DnsResolverFactory(),
        new PassthroughResolverFactory(),
        new Ipv4ResolverFactory(),
        new Ipv6ResolverFactory(),
        new UnixResolverFactory(),
        new UnixAbstractResolverFactory(),
        new Cluster.AkkaClusterResolverFactory(),
        new Discovery.AkkaDiscoveryResolverFactory(),
        new Etcd.EtcdResolverFactory());

    /// <summary>The registered schemes.</summary>
    public IReadOnlyCollection<string> Schemes => Volatile.Read(ref _factories).Keys.ToArray();

    /// <summary>Adds a factory, replacing any registered for the same scheme (grpc-go's rule). Returns this registry.</summary>
    public ResolverRegistry Register(IResolverFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var scheme = factory.Scheme;
        if (scheme is null || !TargetSyntax.IsValidScheme(scheme))
        {
            throw new ArgumentException(
                $"The resolver factory {factory.GetType().Name} has the scheme '{scheme}', which is not a URI scheme (a letter, then letters, digits, '+', '-' or '.').",
                nameof(factory));
        }

        ImmutableInterlocked.Update(ref _factories, (map, f) => map.SetItem(f.Scheme, f), factory);
        return this;
    }

    /// <summary>The factory for a scheme, if one is registered.</summary>
    public bool TryGet(string scheme, [NotNullWhen(true)] out IResolverFactory? factory)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return Volatile.Read(ref _factories).TryGetValue(scheme, out factory);
    }

    /// <summary>
    /// Parses a dial target and picks its factory, with grpc-go's rule: a target whose scheme is missing or not
    /// registered goes to <paramref name="defaultScheme"/> with the whole (percent-decoded) target as endpoint.
    /// The returned target keeps the user's text as <see cref="ChannelTarget.Original"/>; a defaulted one has no
    /// authority and reads like <c>scheme:target</c> (so a bare "/tmp/sock" under unix stays that path).
    /// </summary>
    /// <exception cref="ArgumentException">The target is malformed, or the default scheme is not registered.</exception>
    public ChannelTarget Resolve(string target, string defaultScheme, out IResolverFactory factory)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultScheme);

        // "unix:123" is a socket named 123 when unix is registered, although Parse alone reads host "unix", port 123.
        var colon = target.IndexOf(':');
        var registeredPrefix = colon > 0 && TargetSyntax.IsValidScheme(target.AsSpan(0, colon)) && TryGet(target[..colon], out _);
        var parsed = ChannelTarget.Parse(target, digitsAfterColonMeanPort: !registeredPrefix);
        if (parsed.Scheme.Length > 0 && TryGet(parsed.Scheme, out var found))
        {
            factory = found;
            return parsed;
        }

        if (!TryGet(defaultScheme, out var fallback))
        {
            throw new ArgumentException(
                $"Invalid target '{TargetSyntax.Printable(target)}': its scheme '{parsed.Scheme}' is not registered, and neither is the default scheme '{defaultScheme}' (registered: {string.Join(", ", Schemes.Order(StringComparer.Ordinal))}).",
                nameof(defaultScheme));
        }

        factory = fallback;
        var endpoint = TargetSyntax.PercentDecode(target, target, "target");
        return new ChannelTarget(fallback.Scheme, "", endpoint, target);
    }
}
