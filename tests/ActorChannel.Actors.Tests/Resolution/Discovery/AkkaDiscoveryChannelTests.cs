using System.Collections.Concurrent;
using ActorChannel.Actors.Tests.Client;
using ActorChannel.Client;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.Configuration;
using Akka.Discovery;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Resolution.Discovery;

/// <summary>A channel on akka-discovery:///greeter whose discovery answer changes: ResolveNow and the refresh find it.</summary>
public sealed class AkkaDiscoveryChannelTests(ITestOutputHelper output) : ChannelTestBase(output, Config)
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.discovery.method = changing
        akka.discovery.changing.class = "ActorChannel.Actors.Tests.Resolution.Discovery.ChangingDiscovery, ActorChannel.Actors.Tests"
        """);

    private async Task<ManagedChannel> DialDiscoveryAsync()
    {
        var channel = Watch(ManagedChannel.Dial(Sys, "akka-discovery:///greeter", Options("round_robin") with { Resolvers = ResolverRegistry.CreateDefault(), DefaultScheme = "dns" }));
        await SettleAsync();
        return channel;
    }

    [Fact]
    public async Task A_lost_connection_asks_ResolveNow_and_the_next_lookup_s_addresses_are_used()
    {
        ChangingDiscovery.Set(Sys, Addr(1));
        var channel = await DialDiscoveryAsync();
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal([Addr(1)], channel.GetSubchannels().Select(s => s.Address));

        ChangingDiscovery.Set(Sys, Addr(1), Addr(2));
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();

        // ResolveNow is rate-limited to one lookup per 5 s since the last: the new list arrives when that has passed.
        Assert.Single(channel.GetSubchannels());
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AwaitAssertAsync(() => Assert.Equal([Addr(1), Addr(2)], channel.GetSubchannels().Select(s => s.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal)));
    }

    [Fact]
    public async Task The_refresh_interval_finds_a_new_backend_without_any_failure()
    {
        ChangingDiscovery.Set(Sys, Addr(1));
        var channel = await DialDiscoveryAsync();
        ChangingDiscovery.Set(Sys, Addr(1), Addr(3));
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Single(channel.GetSubchannels());
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await AwaitAssertAsync(() => Assert.Equal(2, channel.GetSubchannels().Count(s => s.State == S.Ready)));
    }

    [Fact]
    public async Task The_next_refresh_is_an_interval_after_each_answer_on_the_channel_s_clock()
    {
        ChangingDiscovery.Set(Sys, Addr(1));
        await DialDiscoveryAsync();
        var lookups = ChangingDiscovery.Lookups(Sys);
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(lookups, ChangingDiscovery.Lookups(Sys));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await AwaitAssertAsync(() => Assert.Equal(lookups + 1, ChangingDiscovery.Lookups(Sys)));
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(lookups + 1, ChangingDiscovery.Lookups(Sys));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await AwaitAssertAsync(() => Assert.Equal(lookups + 2, ChangingDiscovery.Lookups(Sys)));
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_addresses_and_is_looked_up_again_an_interval_later()
    {
        ChangingDiscovery.Set(Sys, Addr(1));
        var channel = await DialDiscoveryAsync();
        ChangingDiscovery.Fail(Sys, "discovery is down");
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal([Addr(1)], channel.GetSubchannels().Select(s => s.Address));

        ChangingDiscovery.Set(Sys, Addr(1), Addr(3));
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Single(channel.GetSubchannels());
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await AwaitAssertAsync(() => Assert.Equal(2, channel.GetSubchannels().Count(s => s.State == S.Ready)));
    }
}

/// <summary>A discovery method whose answer (or failure) a test sets, per actor system, and which counts its lookups.</summary>
public sealed class ChangingDiscovery(ExtendedActorSystem system) : ServiceDiscovery
{
    private static readonly ConcurrentDictionary<ActorSystem, TransportAddress[]> Answers = new();
    private static readonly ConcurrentDictionary<ActorSystem, string> Failures = new();
    private static readonly ConcurrentDictionary<ActorSystem, int> Counts = new();

    public static void Set(ActorSystem system, params TransportAddress[] addresses)
    {
        Failures.TryRemove(system, out _);
        Answers[system] = addresses;
    }

    public static void Fail(ActorSystem system, string message) => Failures[system] = message;

    public static int Lookups(ActorSystem system) => Counts.GetValueOrDefault(system);

    public override Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        Counts.AddOrUpdate(system, 1, (_, n) => n + 1);
        if (Failures.TryGetValue(system, out var failure))
        {
            return Task.FromException<Resolved>(new InvalidOperationException(failure));
        }

        var targets = Answers.GetValueOrDefault(system, []).Select(a => (System.Net.IPEndPoint)a.EndPoint).Select(e => new ResolvedTarget(e.Address.ToString(), e.Port, null)).ToList();
        return Task.FromResult(new Resolved(lookup.ServiceName, targets));
    }
}
