using System.Collections.Concurrent;
using System.Diagnostics;
using ActorChannel.Client;
using ActorChannel.Host.Demo;
using ActorChannel.Resolution.Cluster;
using Akka.Actor;
using Akka.Cluster;
using static Akka.Cluster.ClusterEvent;

namespace ActorChannel.Host.ClusterDemo;

/// <summary>
/// The cluster demo's frontend: a user actor on the seed node that owns a channel to akka-cluster:///greeter as its
/// child, and follows cluster membership for the table's membership column (and for when each member was first seen in each status).
/// </summary>
public sealed class FrontendActor : ReceiveActor
{
    private readonly ManagedChannelOptions _options;
    private readonly DemoScoreboard _board;
    private readonly ConcurrentDictionary<(string Endpoint, string Status), long> _seenAt;
    private ManagedChannel? _channel;

    public FrontendActor(ManagedChannelOptions options, DemoScoreboard board, ConcurrentDictionary<(string Endpoint, string Status), long> seenAt)
    {
        _options = options;
        _board = board;
        _seenAt = seenAt;
        Receive<GetChannel>(_ => Sender.Tell(_channel));
        Receive<CurrentClusterState>(state =>
        {
            foreach (var member in state.Members)
            {
                Show(member, member.Status.ToString());
            }
        });
        Receive<MemberUp>(e => Show(e.Member, "Up"));
        Receive<MemberLeft>(e => Show(e.Member, "Leaving"));
        Receive<MemberExited>(e => Show(e.Member, "Exiting"));
        Receive<MemberRemoved>(e => Show(e.Member, "Removed"));
        Receive<UnreachableMember>(e => Show(e.Member, "Unreachable"));
        Receive<ReachableMember>(e => Show(e.Member, "Up (reachable)"));
        Receive<IMemberEvent>(_ => { });
    }

    public static Props Props(ManagedChannelOptions options, DemoScoreboard board, ConcurrentDictionary<(string Endpoint, string Status), long> seenAt) =>
        Akka.Actor.Props.Create(() => new FrontendActor(options, board, seenAt));

    protected override void PreStart()
    {
        _channel = ManagedChannel.Spawn(Context, "akka-cluster:///greeter", _options, "channel");
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(IMemberEvent), typeof(IReachabilityEvent));
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void Show(Member member, string status)
    {
        if (!member.HasRole("greeter") || GrpcEndpointRole.Find(member.Roles, out _) is not { } endpoint)
        {
            return;
        }

        var address = endpoint.ToString();
        _seenAt.TryAdd((address, status), Stopwatch.GetTimestamp());

        _board.OnMembership(address, status);
    }

    public sealed record GetChannel
    {
        public static readonly GetChannel Instance = new();
    }
}
