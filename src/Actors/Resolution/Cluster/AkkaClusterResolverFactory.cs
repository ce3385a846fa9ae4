using Akka.Cluster;

namespace ActorChannel.Resolution.Cluster;

/// <summary>
/// akka-cluster:///ROLE: the gRPC endpoints of the Up, reachable members of the channel's own Akka cluster that have
/// ROLE (each advertises its endpoint with a <see cref="GrpcEndpointRole"/>). The channel must be dialled inside an
/// ActorSystem whose provider is the cluster (ManagedChannel.Spawn or Dial(system, ...)).
/// </summary>
public sealed class AkkaClusterResolverFactory : IResolverFactory
{
    public string Scheme => "akka-cluster";

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        var (role, system) = ActorSystemTarget.Check(target, context, "ROLE");
        if (!system.Settings.ProviderClass.Contains("Cluster", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{target.Original}': the actor system '{system.Name}' is not a cluster member (set akka.actor.provider = cluster).", nameof(target));
        }

        return new AkkaClusterResolver(Akka.Cluster.Cluster.Get(system), role, context);
    }

    /// <summary>Members are found by role, not by name: there is no host to put in :authority, so the role stands in.</summary>
    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Endpoint;
    }
}
