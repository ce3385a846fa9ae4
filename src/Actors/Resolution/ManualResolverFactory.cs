namespace ActorChannel.Resolution;

/// <summary>
/// Serves one <see cref="ManualResolver"/> under a scheme ("manual" unless given): register it, dial
/// "manual:///anything", then drive <see cref="Resolver"/>.
/// </summary>
public sealed class ManualResolverFactory : IResolverFactory
{
    public ManualResolverFactory(string scheme = "manual")
        : this(new ManualResolver(), scheme)
    {
    }

    public ManualResolverFactory(ManualResolver resolver, string scheme = "manual")
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(scheme);
        if (!TargetSyntax.IsValidScheme(scheme) || scheme != scheme.ToLowerInvariant())
        {
            throw new ArgumentException($"The scheme '{scheme}' is not a lower-case URI scheme (a letter, then letters, digits, '+', '-' or '.').", nameof(scheme));
        }

        Resolver = resolver;
        Scheme = scheme;
    }

    public ManualResolver Resolver { get; }

    public string Scheme { get; }

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        return Resolver.Attach(target, context);
    }

    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Endpoint;
    }
}
