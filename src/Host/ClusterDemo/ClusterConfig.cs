using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorChannel.Host.ClusterDemo;

/// <summary>How every node of the cluster demo joins: Akka.Cluster.Hosting on 127.0.0.1, one seed (the frontend).</summary>
public static class ClusterConfig
{
    public const string SystemName = "demo-cluster";

    public static string SeedAddress(int port) => $"akka.tcp://{SystemName}@127.0.0.1:{port}";

    /// <summary>
    /// Remoting on 127.0.0.1, clustering with <paramref name="roles"/> and the one seed. <paramref name="tunedFailureDetector"/>
    /// shortens the failure detector (heartbeat 250 ms, pause 1 s, down after 2 s stable) so that a killed node is
    /// unreachable in about 2 s and removed in about 5 s rather than 6-7 s and 28 s: what a demo of 30 s can show.
    /// </summary>
    public static AkkaConfigurationBuilder Node(this AkkaConfigurationBuilder builder, int port, string[] roles, string seed, bool tunedFailureDetector)
    {
        builder
            .WithRemoting("127.0.0.1", port)
            .WithClustering(new ClusterOptions { SeedNodes = [seed] })

            // Roles in HOCON of our own, quoted: ClusterOptions.Roles writes them bare, and "grpc-endpoint=..." holds '='.
            .AddHocon("akka.cluster.roles = [" + string.Join(", ", roles.Select(r => "\"" + r + "\"")) + "]", HoconAddMode.Prepend)
            .AddHocon(
                """
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                akka.remote.log-remote-lifecycle-events = off
                akka.log-dead-letters = off
                akka.log-dead-letters-during-shutdown = off
                """,
                HoconAddMode.Prepend);
        if (tunedFailureDetector)
        {
            builder.AddHocon(
                """
                akka.cluster.failure-detector.heartbeat-interval = 250ms
                akka.cluster.failure-detector.acceptable-heartbeat-pause = 1s
                akka.cluster.split-brain-resolver.stable-after = 2s
                """,
                HoconAddMode.Prepend);
        }

        return builder;
    }
}
