using ActorChannel.Transport;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;
using static Akka.Cluster.ClusterEvent;

namespace ActorChannel.Resolution.Cluster;

/// <summary>
/// Subscribed to the cluster's member and reachability events: keeps the Up members with the role, drops one at once
/// when it becomes unreachable (and takes it back when reachable again), and drops it for good when it leaves, is
/// downed or removed. Publishes the endpoint list after every change that alters it.
/// </summary>
internal sealed class ClusterMembersActor : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly string _role;
    private readonly ClusterMembership _membership;
    private readonly ILogger _logger;
    private readonly Dictionary<UniqueAddress, TransportAddress> _up = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();
    private TransportAddress[]? _published;

    public ClusterMembersActor(Akka.Cluster.Cluster cluster, string role, ClusterMembership membership, ILogger logger)
    {
        _cluster = cluster;
        _role = role;
        _membership = membership;
        _logger = logger;
        Receive<CurrentClusterState>(OnCurrentState);
        Receive<MemberUp>(up => Change(() => Add(up.Member)));
        Receive<MemberLeft>(left => Change(() => Remove(left.Member)));
        Receive<MemberExited>(exited => Change(() => Remove(exited.Member)));
        Receive<MemberDowned>(downed => Change(() => Remove(downed.Member)));
        Receive<MemberRemoved>(removed => Change(() => Remove(removed.Member)));
        Receive<UnreachableMember>(m => Change(() => _unreachable.Add(m.Member.UniqueAddress)));
        Receive<ReachableMember>(m => Change(() => _unreachable.Remove(m.Member.UniqueAddress)));
        Receive<IMemberEvent>(_ => { });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(IMemberEvent), typeof(IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnCurrentState(CurrentClusterState state)
    {
        foreach (var member in state.Members.Where(m => m.Status == MemberStatus.Up))
        {
            Add(member);
        }

        foreach (var member in state.Unreachable)
        {
            _unreachable.Add(member.UniqueAddress);
        }

        Publish();
    }

    private void Change(Action change)
    {
        change();
        Publish();
    }

    private void Add(Member member)
    {
        if (!member.HasRole(_role))
        {
            return;
        }

        if (GrpcEndpointRole.Find(member.Roles, out var error) is { } endpoint)
        {
            _up[member.UniqueAddress] = endpoint;
        }
        else
        {
            ClusterResolverLog.NoEndpoint(_logger, member.Address, _role, error);
        }
    }

    private void Remove(Member member)
    {
        _up.Remove(member.UniqueAddress);
        _unreachable.Remove(member.UniqueAddress);
    }

    private void Publish()
    {
        var endpoints = _up.Where(e => !_unreachable.Contains(e.Key)).Select(e => e.Value).Distinct().OrderBy(a => a.ToString(), StringComparer.Ordinal).ToArray();
        if (_published is not null && _published.SequenceEqual(endpoints))
        {
            return;
        }

        _published = endpoints;
        ClusterResolverLog.Members(_logger, endpoints.Length, _role, endpoints);
        _membership.Publish(endpoints);
    }
}
