using System.Collections.Concurrent;
using System.Diagnostics;
using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Server;
using ActorChannel.Resolution;
using ActorChannel.Resolution.Etcd;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Resolution;

/// <summary>
/// Discovery end to end under load: real etcd and dnsmasq on loopback, real Greeter servers, a channel calling in a
/// closed loop while backends are registered, removed and changed behind the name. Prints how long a change took to
/// reach traffic (the figures in docs/benchmarks.md).
/// </summary>
[Collection(DiscoveryLoadCollection.Name)]
public sealed class DiscoveryToTrafficTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 4;
    private static readonly TimeSpan Change = TimeSpan.FromSeconds(20);
    private readonly ILoggerFactory _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new TestOutputLoggerProvider(output)));
    private readonly ConcurrentDictionary<string, long> _firstReply = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastReply = new(StringComparer.Ordinal);
    private RunningGreeterServer _b1 = null!;
    private RunningGreeterServer _b2 = null!;
    private int _failed;

    public async Task InitializeAsync()
    {
        _b1 = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "b1", LoggerFactory = _logs });
        _b2 = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "b2", LoggerFactory = _logs });
    }

    public async Task DisposeAsync()
    {
        await _b1.DisposeAsync();
        await _b2.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task Etcd_keys_added_and_removed_under_load_move_the_traffic()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var target = $"etcd://127.0.0.1:{etcd.ClientPort}/services/greeter";
        var first = await EtcdRegistration.StartAsync(target, "127.0.0.1:" + _b1.Port);
        await using var channel = Dial(target, ResolverRegistry.Default);
        using var stop = new CancellationTokenSource();
        var load = LoadAsync(channel, stop.Token);
        await UntilAsync(() => _firstReply.ContainsKey("b1"));

        var put = Stopwatch.GetTimestamp();
        await using var second = await EtcdRegistration.StartAsync(target, "127.0.0.1:" + _b2.Port);
        await UntilAsync(() => _firstReply.ContainsKey("b2"));
        output.WriteLine($"figure: etcd put to the first call on the new backend: {Stopwatch.GetElapsedTime(put, _firstReply["b2"]).TotalMilliseconds:0} ms");

        // Removing b1's key drains its subchannel: calls move to b2 and none fails.
        var removed = Stopwatch.GetTimestamp();
        await first.DisposeAsync();
        await UntilAsync(() => _lastReply.TryGetValue("b1", out var last) && Stopwatch.GetElapsedTime(last) > TimeSpan.FromSeconds(1));
        output.WriteLine($"figure: etcd delete to the last call on the removed backend: {Stopwatch.GetElapsedTime(removed, _lastReply["b1"]).TotalMilliseconds:0} ms");
        await stop.CancelAsync();
        await load;
        Assert.True(_failed <= Callers, $"{_failed} calls failed; at most the {Callers} in flight may");
    }

    [Fact]
    public async Task A_dns_record_change_reaches_traffic_when_its_ttl_runs_out()
    {
        string[] One() => ["--host-record=b1.greeter.test,127.0.0.1", $"--srv-host=_grpc._tcp.greeter.test,b1.greeter.test,{_b1.Port},0,10"];
        await using var dns = await Dnsmasq.StartAsync(1, One());
        var registry = new ResolverRegistry(new DnsResolverFactory(new DnsResolverOptions { TtlRefreshFloor = TimeSpan.FromSeconds(1) }));
        await using var channel = Dial($"dns://{dns.Authority}/_grpc._tcp.greeter.test", registry);
        using var stop = new CancellationTokenSource();
        var load = LoadAsync(channel, stop.Token);
        await UntilAsync(() => _firstReply.ContainsKey("b1"));

        var changed = Stopwatch.GetTimestamp();
        await dns.RestartAsync(1, [.. One(), "--host-record=b2.greeter.test,127.0.0.1", $"--srv-host=_grpc._tcp.greeter.test,b2.greeter.test,{_b2.Port},0,10"]);
        await UntilAsync(() => _firstReply.ContainsKey("b2"));
        output.WriteLine($"figure: DNS record change (TTL 1 s, floor 1 s) to the first call on the new backend: {Stopwatch.GetElapsedTime(changed, _firstReply["b2"]).TotalMilliseconds:0} ms");
        await stop.CancelAsync();
        await load;
        Assert.Equal(0, _failed);
    }

    private ManagedChannel Dial(string target, ResolverRegistry resolvers) => ManagedChannel.Dial(target, new ManagedChannelOptions
    {
        Credentials = ChannelCredentials.Insecure,
        DefaultServiceConfig = """{"loadBalancingConfig":[{"round_robin":{}}]}""",
        Resolvers = resolvers,
        LoggerFactory = _logs,
    });

    private async Task LoadAsync(ManagedChannel channel, CancellationToken stop)
    {
        var client = new Greeter.GreeterClient(channel);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var reply = await client.GreetAsync("x", ChannelCalls.WaitForReady(TimeSpan.FromSeconds(10)));
                    var backend = reply[(reply.LastIndexOf(' ') + 1)..];
                    var now = Stopwatch.GetTimestamp();
                    _firstReply.TryAdd(backend, now);
                    _lastReply[backend] = now;
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }));
    }

    /// <summary>Waits for what the calls show; real servers and a real network, so real time, with a limit.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var limit = Stopwatch.GetTimestamp() + (long)(Change.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < limit, "the change did not reach the traffic within " + Change);
            await Task.Delay(10);
        }
    }
}

/// <summary>Load tests that time how fast a change reaches traffic: alone, so the figures are not another test's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DiscoveryLoadCollection
{
    public const string Name = "discovery under load";
}
