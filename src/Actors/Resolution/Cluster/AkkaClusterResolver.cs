using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution.Cluster;

/// <summary>
/// Hosts a <see cref="ClusterMembersActor"/> that follows cluster membership and pushes every change; ResolveAsync
/// answers with the latest list once the cluster's current state has arrived. Nothing polls.
/// </summary>
internal sealed class AkkaClusterResolver : IResolver
{
    private readonly IActorRef _members;
    private readonly ClusterMembership _membership;

    public AkkaClusterResolver(Akka.Cluster.Cluster cluster, string role, ResolverContext context)
    {
        _membership = new ClusterMembership(context.OnUpdate);
        _members = cluster.System.ActorOf(
            Props.Create(() => new ClusterMembersActor(cluster, role, _membership, context.Logger)),
            "akka-cluster-resolver-" + Interlocked.Increment(ref s_next));
        ClusterResolverLog.Following(context.Logger, role);
    }

    private static long s_next;

    /// <summary>The actor that follows the cluster (tests tell it reachability events the network cannot easily make).</summary>
    internal IActorRef MembersActor => _members;

    /// <summary>Membership is pushed as it changes: ResolveNow has nothing to ask for.</summary>
    public TimeSpan MinResolveInterval => TimeSpan.Zero;

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken) =>
        new(await _membership.CurrentAsync(cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync()
    {
        _members.Tell(PoisonPill.Instance);
        return ValueTask.CompletedTask;
    }
}
