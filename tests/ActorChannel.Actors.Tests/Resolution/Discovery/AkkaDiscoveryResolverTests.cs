using System.Collections.Concurrent;
using ActorChannel.Resolution;
using ActorChannel.Resolution.Discovery;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.Configuration;
using Akka.Discovery;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Resolution.Discovery;

/// <summary>akka-discovery:///SERVICE over Akka.Discovery's config method, and a method that fails, on virtual time.</summary>
public sealed class AkkaDiscoveryResolverTests(ITestOutputHelper output) : ChannelTestKit(output, Config)
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.discovery.method = config
        akka.discovery.config.services.greeter.endpoints = ["127.0.0.1:5001", "127.0.0.1:5002"]
        akka.discovery.failing.class = "ActorChannel.Actors.Tests.Resolution.Discovery.FailingDiscovery, ActorChannel.Actors.Tests"
        """);

    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<ResolutionResult> _updates = new();
    private readonly ConcurrentQueue<Exception> _errors = new();

    private ResolverContext Context() =>
        new(SchedulerTimeProviderFor(Sys), NullLogger.Instance, _updates.Enqueue, _errors.Enqueue) { System = Sys };

    private static TimeProvider SchedulerTimeProviderFor(ActorSystem system) => ActorChannel.Client.Time.SchedulerTimeProvider.For(system);

    private IResolver Create(string target, AkkaDiscoveryResolverFactory? factory = null) =>
        (factory ?? new AkkaDiscoveryResolverFactory()).Create(ChannelTarget.Parse(target), Context());

    [Fact]
    public async Task The_configured_method_s_endpoints_are_the_addresses()
    {
        await using var resolver = Create("akka-discovery:///greeter");
        var result = await resolver.ResolveAsync(CancellationToken.None);
        Assert.Equal([TransportAddress.Tcp("127.0.0.1", 5001), TransportAddress.Tcp("127.0.0.1", 5002)], result.Addresses);
        Assert.Equal(TimeSpan.FromSeconds(5), resolver.MinResolveInterval);
    }

    [Fact]
    public async Task Each_answer_asks_to_be_looked_up_again_after_the_refresh_interval()
    {
        // The resolver actor keeps the timer (ResolverRefreshTests); the channel tests run it on virtual time.
        await using var resolver = Create("akka-discovery:///greeter");
        var result = await resolver.ResolveAsync(CancellationToken.None);
        Assert.Equal(new RefreshSchedule(Refresh), result.Refresh);
        Assert.Empty(_updates);

        await using var never = Create("akka-discovery:///greeter", new AkkaDiscoveryResolverFactory(Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
        Assert.Null((await never.ResolveAsync(CancellationToken.None)).Refresh);
    }

    [Fact]
    public async Task A_failing_lookup_is_a_resolver_error_naming_the_service()
    {
        var failing = new AkkaDiscoveryResolverFactory(Refresh, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        using var system = ActorSystem.Create("failing", ConfigurationFactory.ParseString("akka.discovery.method = failing").WithFallback(Config));
        var context = new ResolverContext(TimeProvider.System, NullLogger.Instance, _updates.Enqueue, _errors.Enqueue) { System = system };
        await using var resolver = failing.Create(ChannelTarget.Parse("akka-discovery:///greeter"), context);
        var e = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));
        Assert.Contains("'greeter'", e.Message);
        Assert.Contains("discovery is down", e.Message);
        await system.Terminate();
    }

    [Fact]
    public void Bad_targets_and_settings_are_refused_naming_why()
    {
        var factory = new AkkaDiscoveryResolverFactory();
        Assert.Contains("no authority", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-discovery://x/greeter"), Context())).Message);
        Assert.Contains("names one service", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-discovery:///"), Context())).Message);
        Assert.Contains("inside an ActorSystem", Assert.Throws<ArgumentException>(() => factory.Create(ChannelTarget.Parse("akka-discovery:///greeter"), new ResolverContext(TimeProvider.System, NullLogger.Instance, _ => { }, _ => { }))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaDiscoveryResolverFactory(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaDiscoveryResolverFactory(Refresh, TimeSpan.Zero, TimeSpan.Zero));
    }
}

/// <summary>A discovery method whose every lookup fails, as one whose backend is unreachable would.</summary>
public sealed class FailingDiscovery : ServiceDiscovery
{
    public FailingDiscovery(ExtendedActorSystem system)
    {
    }

    public override Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout) =>
        Task.FromException<Resolved>(new InvalidOperationException("discovery is down"));
}
