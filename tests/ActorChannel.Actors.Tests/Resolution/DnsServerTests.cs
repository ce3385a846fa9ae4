using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using static ActorChannel.Client.Protocol.ChannelMessage;

namespace ActorChannel.Actors.Tests.Resolution;

// Against a real dnsmasq on loopback, named in the target's authority. Refreshes are the resolver actor's, hosted
// here as a channel hosts it with a probe for the channel, on the TestScheduler: TTLs pass in virtual time while
// the queries are real.
public sealed class DnsServerTests(ITestOutputHelper output) : ChannelTestKit(output), IAsyncLifetime
{
    private const string B1 = "--host-record=b1.greeter.test,127.0.0.1";
    private const string B2 = "--host-record=b2.greeter.test,127.0.0.2";
    private readonly ManualClock _clock = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private Dnsmasq _dns = null!;

    public async Task InitializeAsync()
    {
        Assert.True(Dnsmasq.Installed, "dnsmasq is missing: run scripts/setup-peers.sh");
        _dns = await Dnsmasq.StartAsync(ttl: 60, [.. Dnsmasq.Host("greeter.test", "127.0.0.1", "127.0.0.2"), B1, B2]);
    }

    // dnsmasq stops whatever else fails here.
    public async Task DisposeAsync()
    {
        try
        {
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }
        }
        finally
        {
            await _dns.DisposeAsync();
        }
    }

    private IResolver Create(string endpoint, PushProbe probe, DnsResolverOptions? options = null) => Create(endpoint, probe.Context, options);

    private IResolver Create(string endpoint, ResolverContext context, DnsResolverOptions? options = null)
    {
        var target = ChannelTarget.Parse($"dns://{_dns.Authority}/{endpoint}");
        var resolver = new DnsResolverFactory(options ?? new DnsResolverOptions()).Create(target, context);
        _owned.Add(resolver);
        return resolver;
    }

    /// <summary>The resolver in a resolver actor, which looks it up at once.</summary>
    private HostedResolver Host(string endpoint, DnsResolverOptions? options = null) =>
        HostedResolver.Start(this, LoggerFactory, context => Create(endpoint, context, options));

    /// <summary>What the resolver actor tells the channel next, which must be addresses.</summary>
    private static string[] NextAddresses(HostedResolver host) => Texts(host.Channel.ExpectMsg<AddressesUpdated>(PushProbe.Deadline).Addresses);

    private static string[] Texts(ResolutionResult result) => Texts(result.Addresses);

    private static string[] Texts(IReadOnlyList<TransportAddress> addresses) => addresses.Select(a => a.ToString()).ToArray();

    [Fact]
    public async Task A_records_come_from_the_server_named_in_the_authority_with_the_targets_port()
    {
        var resolver = Create("greeter.test:50051", new PushProbe(_clock));

        var result = await resolver.ResolveAsync(CancellationToken.None);

        Assert.Equal(["127.0.0.1:50051", "127.0.0.2:50051"], Texts(result).Order());
        Assert.Null(result.ServiceConfigJson);
    }

    [Fact]
    public async Task Srv_targets_come_in_priority_order_with_their_ports_and_weights_as_attributes()
    {
        await _dns.RestartAsync(
            60,
            B1,
            B2,
            "--srv-host=_grpc._tcp.greeter.test,b2.greeter.test,5002,20,5",
            "--srv-host=_grpc._tcp.greeter.test,b1.greeter.test,5001,10,7");
        var resolver = Create("_grpc._tcp.greeter.test", new PushProbe(_clock));

        var result = await resolver.ResolveAsync(CancellationToken.None);

        Assert.Equal(["127.0.0.1:5001", "127.0.0.2:5002"], Texts(result));
        Assert.Equal("7", result.Addresses[0].Attributes[DnsAddressAttributes.SrvWeight]);
        Assert.Equal("10", result.Addresses[0].Attributes[DnsAddressAttributes.SrvPriority]);
        Assert.Equal("b2.greeter.test", result.Addresses[1].Attributes[DnsAddressAttributes.SrvTarget]);
        Assert.Equal("5", result.Addresses[1].Attributes[DnsAddressAttributes.SrvWeight]);
    }

    [Fact]
    public async Task At_ttl_expiry_a_new_backend_is_found_and_a_removed_one_dropped()
    {
        await _dns.RestartAsync(60, "--host-record=svc.greeter.test,127.0.0.1");
        var host = Host("svc.greeter.test:7000");
        Assert.Equal(["127.0.0.1:7000"], NextAddresses(host));

        // The refresh is armed for the answer's TTL, not the 30 s floor.
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(60), NextDueFor(host.Actor));

        await _dns.RestartAsync(60, Dnsmasq.Host("svc.greeter.test", "127.0.0.1", "127.0.0.3"));
        Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["127.0.0.1:7000", "127.0.0.3:7000"], NextAddresses(host).Order());

        await _dns.RestartAsync(60, "--host-record=svc.greeter.test,127.0.0.3");

        // The refresh re-armed itself (for the new answer's TTL) before it pushed.
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(60), NextDueFor(host.Actor));
        Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["127.0.0.3:7000"], NextAddresses(host));
    }

    [Fact]
    public async Task A_short_ttl_is_held_to_the_floor_and_a_zero_floor_turns_the_refresh_off()
    {
        await _dns.RestartAsync(1, B1);
        var resolver = Host("b1.greeter.test:1");
        NextAddresses(resolver);
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(30), NextDueFor(resolver.Actor));

        var floored = Host("b1.greeter.test:1", new DnsResolverOptions { TtlRefreshFloor = TimeSpan.FromSeconds(45) });
        NextAddresses(floored);
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(30), NextDueFor(resolver.Actor));
        await resolver.StopAsync(this);
        Assert.Null(NextDueFor(resolver.Actor));
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(45), NextDueFor(floored.Actor));
        await floored.StopAsync(this);

        var off = Host("b1.greeter.test:1", new DnsResolverOptions { TtlRefreshFloor = TimeSpan.Zero });
        NextAddresses(off);
        Assert.Null(NextDueFor(off.Actor));
    }

    [Fact]
    public async Task Nxdomain_is_an_error_naming_the_name()
    {
        var resolver = Create("nobody.greeter.test:1", new PushProbe(_clock));

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));

        Assert.Contains("'nobody.greeter.test' does not exist (NXDOMAIN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_vanishes_at_refresh_is_reported_and_nothing_is_pushed()
    {
        var host = Host("b2.greeter.test:1");
        NextAddresses(host);

        await _dns.RestartAsync(60, B1);
        Clock.Advance(TimeSpan.FromSeconds(60));

        // The error is the next message: no addresses went before it, and none come after.
        var error = host.Channel.ExpectMsg<ResolverError>(PushProbe.Deadline);
        Assert.Contains("'b2.greeter.test' does not exist", error.Error, StringComparison.Ordinal);
        host.Channel.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // It keeps looking, at the floor.
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(30), NextDueFor(host.Actor));
    }

    [Fact]
    public async Task Srv_name_without_records_is_an_error_naming_it()
    {
        var resolver = Create("_grpc._tcp.b1.greeter.test", new PushProbe(_clock));

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));

        Assert.Contains("'_grpc._tcp.b1.greeter.test'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Txt_service_config_is_read_only_when_enabled_and_the_first_matching_choice_wins()
    {
        const string choices = """grpc_config=[{"clientLanguage":["go"],"serviceConfig":{"loadBalancingPolicy":"pick_first"}},{"clientLanguage":["CSharp"],"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""";
        await _dns.RestartAsync(60, B1, Dnsmasq.Txt("_grpc_config.b1.greeter.test", choices));
        var enabled = new DnsResolverOptions { EnableServiceConfig = true };

        var off = await Create("b1.greeter.test:1", new PushProbe(_clock)).ResolveAsync(CancellationToken.None);
        var on = await Create("b1.greeter.test:1", new PushProbe(_clock), enabled).ResolveAsync(CancellationToken.None);

        Assert.Null(off.ServiceConfigJson);
        Assert.Equal("""{"loadBalancingPolicy":"round_robin"}""", on.ServiceConfigJson);
    }

    [Fact]
    public async Task A_bad_txt_config_keeps_the_last_good_one_and_is_reported()
    {
        const string good = """grpc_config=[{"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""";
        await _dns.RestartAsync(60, B1, Dnsmasq.Txt("_grpc_config.b1.greeter.test", good));
        var probe = new PushProbe(_clock);
        var resolver = Create("b1.greeter.test:1", probe, new DnsResolverOptions { EnableServiceConfig = true });
        var first = await resolver.ResolveAsync(CancellationToken.None);

        await _dns.RestartAsync(60, B1, B2, Dnsmasq.Txt("_grpc_config.b1.greeter.test", """grpc_config=[{"serviceConfig":{},"colour":"red"}]"""));
        var second = await resolver.ResolveAsync(CancellationToken.None);

        Assert.Equal(first.ServiceConfigJson, second.ServiceConfigJson);
        Assert.Equal(Texts(first), Texts(second));
        var error = await probe.NextErrorAsync();
        Assert.Contains("_grpc_config.b1.greeter.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown field 'colour'", error.Message, StringComparison.Ordinal);
    }
}
