namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// etcd://host:port[,host:port...]/prefix: the etcd members to ask (127.0.0.1:2379 when none is written) and the
/// key prefix the backends register under, as etcd's own naming package writes it (key "prefix/addr").
/// </summary>
public sealed record EtcdTarget(IReadOnlyList<Uri> Endpoints, string Prefix)
{
    public const int DefaultPort = 2379;

    public const string DefaultAuthority = "127.0.0.1:2379";

    /// <summary>The prefix every key of this target starts with: the written one and a '/'.</summary>
    public string KeyPrefix => Prefix + "/";

    /// <summary>Reads the target; throws ArgumentException quoting it and naming the part that is wrong.</summary>
    public static EtcdTarget From(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var prefix = target.Endpoint.TrimEnd('/');
        if (prefix.Length == 0)
        {
            throw TargetSyntax.Invalid(target.Original, "etcd needs a key prefix to watch, e.g. etcd://127.0.0.1:2379/services/greeter");
        }

        var authority = target.Authority.Length == 0 ? DefaultAuthority : target.Authority;
        var endpoints = new List<Uri>();
        foreach (var member in authority.Split(','))
        {
            if (member.Length == 0)
            {
                throw TargetSyntax.Invalid(target.Original, $"the member list '{authority}' has an empty entry");
            }

            var hostPort = HostPort.Split(target.Original, member, $"the etcd member '{member}'");
            if (hostPort.Host.Length == 0)
            {
                throw TargetSyntax.Invalid(target.Original, $"the etcd member '{member}' has no host");
            }

            endpoints.Add(new Uri("http://" + HostPort.Format(hostPort.Host, hostPort.Port ?? DefaultPort)));
        }

        return new EtcdTarget(endpoints, prefix);
    }
}
