namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// etcd://host:port[,host:port...]/prefix (127.0.0.1:2379 when no member is written): the backends registered under
/// the prefix in etcd's naming format (see <see cref="EtcdRegistration"/>), kept current by a watch.
/// </summary>
public sealed class EtcdResolverFactory : IResolverFactory
{
    public EtcdResolverFactory()
        : this(new EtcdResolverOptions())
    {
    }

    public EtcdResolverFactory(EtcdResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public string Scheme => "etcd";

    public EtcdResolverOptions Options { get; }

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EtcdResolver(EtcdTarget.From(target), Options, context);
    }

    /// <summary>The prefix's last segment ("greeter" for services/greeter): the prefix itself has '/', which no :authority may hold.</summary>
    public string GetDefaultAuthority(ChannelTarget target)
    {
        var prefix = EtcdTarget.From(target).Prefix;
        return prefix[(prefix.LastIndexOf('/') + 1)..];
    }
}
