using ActorChannel.Resolution.Cluster;
using Akka.Actor;
using Akka.Configuration;

namespace ActorChannel.Actors.Tests.Resolution.Cluster;

/// <summary>
/// Akka.Cluster nodes in this process, on real Akka.Remote sockets on 127.0.0.1 (ephemeral ports), with a tuned failure
/// detector so that a crashed node goes unreachable in about 2 s rather than 6-7 s.
/// </summary>
internal static class ClusterNodes
{
    public static Config NodeConfig(params string[] roles) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.roles = [{{string.Join(", ", roles.Select(r => "\"" + r + "\""))}}]
        akka.cluster.failure-detector.heartbeat-interval = 250ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 1s
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.min-nr-of-members = 1
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """);

    /// <summary>A node that serves gRPC on <paramref name="endpointPort"/> and has <paramref name="role"/>.</summary>
    public static Config GreeterConfig(string role, int endpointPort) => NodeConfig(role, GrpcEndpointRole.For("127.0.0.1", endpointPort));

    /// <summary>Starts a node and joins it to <paramref name="seed"/> (itself when null); returns once it is Up.</summary>
    public static async Task<ActorSystem> StartAsync(string name, Config config, Address? seed)
    {
        var system = ActorSystem.Create(name, config);
        var cluster = Akka.Cluster.Cluster.Get(system);
        await cluster.JoinAsync(seed ?? cluster.SelfAddress).WaitAsync(TimeSpan.FromSeconds(20));
        return system;
    }

    /// <summary>
    /// Like kill -9 for a node: with run-by-actor-system-terminate off, Terminate skips CoordinatedShutdown, so there
    /// is no Leave; its sockets simply close and the others' failure detector has to notice.
    /// </summary>
    public static Task CrashAsync(ActorSystem system) => system.Terminate();

    /// <summary>A graceful leave: Leaving, Exiting, Removed; then the node's system ends.</summary>
    public static async Task LeaveAsync(ActorSystem system)
    {
        await Akka.Cluster.Cluster.Get(system).LeaveAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await system.Terminate();
    }
}
