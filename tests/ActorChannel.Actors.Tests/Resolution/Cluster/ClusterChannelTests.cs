using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Server;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Akka.Actor;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Resolution.Cluster;

/// <summary>
/// A frontend node dials akka-cluster:///greeter and calls real Greeter servers, one per greeter node, while members
/// crash, leave and join: the calls follow the membership.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterChannelTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int Callers = 4;
    private static readonly TimeSpan Membership = TimeSpan.FromSeconds(20);
    private readonly ILoggerFactory _logs;
    private readonly List<(ActorSystem Node, RunningGreeterServer Server)> _greeters = new();
    private ManagedChannel _channel = null!;

    public ClusterChannelTests(ITestOutputHelper output)
        : base(ClusterNodes.NodeConfig("frontend"), "cluster", output) =>
        _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new TestOutputLoggerProvider(output)));

    public async Task InitializeAsync()
    {
        await Akka.Cluster.Cluster.Get(Sys).JoinAsync(Akka.Cluster.Cluster.Get(Sys).SelfAddress).WaitAsync(Membership);
        await AddGreeterAsync("g1");
        await AddGreeterAsync("g2");
        _channel = ManagedChannel.Dial(Sys, "akka-cluster:///greeter", new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = """{"loadBalancingConfig":[{"round_robin":{}}]}""",
            LoggerFactory = _logs,
        });
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        foreach (var (node, server) in _greeters)
        {
            await server.DisposeAsync();
            await node.Terminate();
        }

        _logs.Dispose();
    }

    private async Task AddGreeterAsync(string name)
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = name, LoggerFactory = _logs });
        var node = await ClusterNodes.StartAsync("cluster", ClusterNodes.GreeterConfig("greeter", server.Port), Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        _greeters.Add((node, server));
    }

    private async Task<HashSet<string>> AnsweredByAsync(int calls)
    {
        var client = new Greeter.GreeterClient(_channel);
        var replies = new HashSet<string>();
        for (int i = 0; i < calls; i++)
        {
            replies.Add(await client.GreetAsync("x", ChannelCalls.WaitForReady(TimeSpan.FromSeconds(10))));
        }

        return replies;
    }

    /// <summary>Callers in a closed loop until <paramref name="stop"/>; returns (ok, failed).</summary>
    private async Task<(int Ok, int Failed)> LoadAsync(CancellationToken stop)
    {
        var client = new Greeter.GreeterClient(_channel);
        int ok = 0, failed = 0;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.GreetAsync("x", ChannelCalls.WaitForReady(TimeSpan.FromSeconds(10)));
                    Interlocked.Increment(ref ok);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (ok, failed);
    }

    [Fact]
    public async Task Calls_follow_the_members_through_a_crash_a_leave_and_a_join()
    {
        await _channel.ConnectAsync().WaitAsync(Membership);
        await AwaitAssertAsync(async () => Assert.Equal(["Hello x from g1", "Hello x from g2"], (await AnsweredByAsync(20)).Order()), Membership);

        // kill -9 of g2 under load: its connection drops at once, only the calls on it may fail.
        using (var stop = new CancellationTokenSource())
        {
            var load = LoadAsync(stop.Token);
            await AnsweredByAsync(10);
            var (node, server) = _greeters[1];
            _greeters.RemoveAt(1);
            await server.AbortAsync();
            await ClusterNodes.CrashAsync(node);
            await AwaitAssertAsync(async () => Assert.Equal(["Hello x from g1"], await AnsweredByAsync(10)), Membership);
            stop.Cancel();
            var (ok, failed) = await load;
            Assert.True(ok > 0);
            Assert.True(failed <= Callers, $"{failed} calls failed; at most the {Callers} in flight on the killed connection may");
        }

        // g3 joins and gets traffic.
        await AddGreeterAsync("g3");
        await AwaitAssertAsync(async () => Assert.Equal(["Hello x from g1", "Hello x from g3"], (await AnsweredByAsync(20)).Order()), Membership);

        // g1 leaves gracefully under load: it leaves the cluster first, so its subchannel drains; not one call fails.
        using (var stop = new CancellationTokenSource())
        {
            var load = LoadAsync(stop.Token);
            var (node, server) = _greeters[0];
            _greeters.RemoveAt(0);
            await ClusterNodes.LeaveAsync(node);
            await AwaitAssertAsync(async () => Assert.Equal(["Hello x from g3"], await AnsweredByAsync(10)), Membership);
            await server.StopGracefullyAsync();
            await server.DisposeAsync();
            stop.Cancel();
            var (ok, failed) = await load;
            Assert.True(ok > 0);
            Assert.Equal(0, failed);
        }
    }
}
