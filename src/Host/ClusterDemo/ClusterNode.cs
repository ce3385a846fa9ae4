using System.Net;
using System.Net.Sockets;
using ActorChannel.Host.Logging;
using ActorChannel.Host.Server;
using ActorChannel.Resolution.Cluster;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.ClusterDemo;

/// <summary>
/// One greeter node of the cluster demo, in a process of its own: a Grpc.AspNetCore Greeter on an ephemeral port, and a
/// cluster member with roles "greeter" and grpc-endpoint=127.0.0.1:PORT. Prints "ready NAME ENDPOINT" once Up; a line
/// "leave" on stdin (or stdin closing) makes it leave the cluster through CoordinatedShutdown, then stop its server
/// gracefully (GOAWAY).
/// </summary>
public static class ClusterNode
{
    public static async Task<int> RunAsync(TextReader input, TextWriter output, string name, string seed, bool tunedFailureDetector, ILoggerFactory logs, CancellationToken ct)
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = name, LoggerFactory = logs }, ct).ConfigureAwait(false);
        var endpoint = GrpcEndpointRole.For("127.0.0.1", server.Port);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterConfig.SystemName, b => b
            .Node(FreePort(), ["greeter", endpoint], seed, tunedFailureDetector)
            .AddHocon(HostActorSystem.SerilogConfig, HoconAddMode.Append));
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        await output.WriteLineAsync($"ready {name} 127.0.0.1:{server.Port}").ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);

        // Anything but a leave request is ignored; a closed stdin means the demo has gone: leave too.
        while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line && line.Trim() != "leave")
        {
        }

        // Leave first: the frontend drops this member, its subchannel drains, and only then does the server stop.
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await server.StopGracefullyAsync(CancellationToken.None).ConfigureAwait(false);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>An ephemeral port for Akka.Remote, which wants one to put in the node's address.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
