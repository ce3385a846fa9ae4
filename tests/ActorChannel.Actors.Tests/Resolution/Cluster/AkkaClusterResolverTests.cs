using System.Collections.Concurrent;
using System.Diagnostics;
using ActorChannel.Resolution;
using ActorChannel.Resolution.Cluster;
using ActorChannel.Transport;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Resolution.Cluster;

/// <summary>
/// akka-cluster:///greeter against a real three-node cluster over Akka.Remote on 127.0.0.1: the frontend (this test
/// kit's system) and two greeter nodes, each advertising its gRPC endpoint as a role.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AkkaClusterResolverTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Membership = TimeSpan.FromSeconds(20);
    private readonly ConcurrentQueue<IReadOnlyList<TransportAddress>> _updates = new();
    private readonly List<ActorSystem> _greeters = new();

    public AkkaClusterResolverTests(ITestOutputHelper output)
        : base(ClusterNodes.NodeConfig("frontend"), "cluster", output)
    {
    }

    private static TransportAddress Endpoint(int port) => TransportAddress.Tcp("127.0.0.1", port);

    public async Task InitializeAsync()
    {
        await Akka.Cluster.Cluster.Get(Sys).JoinAsync(Akka.Cluster.Cluster.Get(Sys).SelfAddress).WaitAsync(Membership);
        _greeters.Add(await ClusterNodes.StartAsync("cluster", ClusterNodes.GreeterConfig("greeter", 5001), Seed));
        _greeters.Add(await ClusterNodes.StartAsync("cluster", ClusterNodes.GreeterConfig("greeter", 5002), Seed));
    }

    public async Task DisposeAsync()
    {
        foreach (var greeter in _greeters)
        {
            await greeter.Terminate();
        }
    }

    private Address Seed => Akka.Cluster.Cluster.Get(Sys).SelfAddress;

    private IResolver Resolve(string role = "greeter") =>
        new AkkaClusterResolverFactory().Create(
            ChannelTarget.Parse("akka-cluster:///" + role),
            new ResolverContext(TimeProvider.System, NullLogger.Instance, r => _updates.Enqueue(r.Addresses), _ => { }) { System = Sys });

    private IReadOnlyList<TransportAddress> Latest(IReadOnlyList<TransportAddress> first) => _updates.LastOrDefault() ?? first;

    [Fact]
    public async Task Members_with_the_role_are_the_addresses_and_membership_changes_are_pushed()
    {
        await using var resolver = Resolve();
        var first = (await resolver.ResolveAsync(CancellationToken.None)).Addresses;

        // Both greeters may not be Up in every node's view yet: the list reaches both, then follows a third.
        AwaitAssert(() => Assert.Equal([Endpoint(5001), Endpoint(5002)], Latest(first)), Membership);
        _greeters.Add(await ClusterNodes.StartAsync("cluster", ClusterNodes.GreeterConfig("greeter", 5003), Seed));
        AwaitAssert(() => Assert.Equal([Endpoint(5001), Endpoint(5002), Endpoint(5003)], Latest(first)), Membership);
    }

    [Fact]
    public async Task A_crashed_member_is_dropped_when_unreachable_and_one_that_joins_again_is_used()
    {
        await using var resolver = Resolve();
        var first = (await resolver.ResolveAsync(CancellationToken.None)).Addresses;
        AwaitAssert(() => Assert.Equal(2, Latest(first).Count), Membership);

        var crashed = Stopwatch.StartNew();
        await ClusterNodes.CrashAsync(_greeters[1]);
        _greeters.RemoveAt(1);
        AwaitAssert(() => Assert.Equal([Endpoint(5001)], Latest(first)), Membership);
        Output?.WriteLine($"crashed member left the list after {crashed.ElapsedMilliseconds} ms (heartbeat 250 ms, pause 1 s)");

        // The same endpoint on a new incarnation of the node comes back.
        _greeters.Add(await ClusterNodes.StartAsync("cluster", ClusterNodes.GreeterConfig("greeter", 5002), Seed));
        AwaitAssert(() => Assert.Equal([Endpoint(5001), Endpoint(5002)], Latest(first)), Membership);
    }

    [Fact]
    public async Task An_unreachable_member_is_dropped_at_once_and_back_when_reachable_again()
    {
        await using var resolver = Resolve();
        var first = (await resolver.ResolveAsync(CancellationToken.None)).Addresses;
        AwaitAssert(() => Assert.Equal(2, Latest(first).Count), Membership);

        // The failure detector's two verdicts on a live member, as the cluster would publish them: a network that
        // drops one member's heartbeats for a while and then heals is not something loopback can do.
        var member = Akka.Cluster.Cluster.Get(Sys).State.Members.Single(m => m.Roles.Contains(GrpcEndpointRole.For("127.0.0.1", 5002)));
        var follower = ((AkkaClusterResolver)resolver).MembersActor;
        follower.Tell(new Akka.Cluster.ClusterEvent.UnreachableMember(member));
        AwaitAssert(() => Assert.Equal([Endpoint(5001)], Latest(first)), TimeSpan.FromSeconds(3));
        follower.Tell(new Akka.Cluster.ClusterEvent.ReachableMember(member));
        AwaitAssert(() => Assert.Equal([Endpoint(5001), Endpoint(5002)], Latest(first)), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_member_that_leaves_gracefully_is_dropped()
    {
        await using var resolver = Resolve();
        var first = (await resolver.ResolveAsync(CancellationToken.None)).Addresses;
        AwaitAssert(() => Assert.Equal(2, Latest(first).Count), Membership);

        await ClusterNodes.LeaveAsync(_greeters[0]);
        _greeters.RemoveAt(0);
        AwaitAssert(() => Assert.Equal([Endpoint(5002)], Latest(first)), Membership);
    }

    [Fact]
    public async Task Members_without_the_role_are_not_addresses()
    {
        await using var resolver = Resolve("no-such-role");
        Assert.Empty((await resolver.ResolveAsync(CancellationToken.None)).Addresses);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.All(_updates, u => Assert.Empty(u));
    }

    [Fact]
    public void A_bad_target_or_a_system_that_is_not_a_cluster_is_refused_naming_why()
    {
        var factory = new AkkaClusterResolverFactory();
        var context = new ResolverContext(TimeProvider.System, NullLogger.Instance, _ => { }, _ => { }) { System = Sys };
        Assert.Contains("no authority", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-cluster://x/greeter"), context)).Message);
        Assert.Contains("names one role", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-cluster:///"), context)).Message);
        Assert.Contains("inside an ActorSystem", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-cluster:///greeter"), new ResolverContext(TimeProvider.System, NullLogger.Instance, _ => { }, _ => { }))).Message);
        using var local = ActorSystem.Create("local");
        Assert.Contains("not a cluster member", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-cluster:///greeter"), new ResolverContext(TimeProvider.System, NullLogger.Instance, _ => { }, _ => { }) { System = local })).Message);
    }
}

/// <summary>Cluster tests bind ports and form clusters: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "akka cluster";
}
