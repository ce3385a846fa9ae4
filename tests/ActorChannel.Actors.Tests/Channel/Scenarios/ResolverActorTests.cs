using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>The resolver actor: ResolveNow rate limit, retry with backoff on failure, pushed updates.</summary>
public class ResolverActorTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task Failed_connects_ask_for_resolution_at_most_once_per_min_resolve_interval()
    {
        Resolver = new ManualResolver(new ResolutionResult([Addr(1)]), minResolveInterval: TimeSpan.FromSeconds(30));
        Transports.DefaultScript = ConnectScript.Fail();
        await DialAsync("round_robin", null, options: Options("round_robin"));
        Assert.Equal(1, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.True(Transports.Transports.Count >= 5);
        Assert.Equal(1, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(2, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(3, Resolver.ResolveCount);
    }

    [Fact]
    public async Task Without_a_min_interval_every_failed_pass_re_resolves()
    {
        Transports.DefaultScript = ConnectScript.Fail();
        await DialAsync("pick_first", Addrs(2));
        var before = Resolver.ResolveCount;
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.True(Resolver.ResolveCount > before);
    }

    [Fact]
    public async Task A_failing_resolver_is_retried_with_backoff_and_the_error_reaches_calls()
    {
        var channel = await DialAsync("pick_first", null, resolverError: "lookup failed");
        Assert.Equal(1, Resolver.ResolveCount);
        var e = await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Contains("lookup failed", e.Status.Detail);
        await AdvanceAsync(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, Resolver.ResolveCount);
        await AdvanceAsync(TimeSpan.FromSeconds(1.6));
        Assert.Equal(3, Resolver.ResolveCount);

        Resolver.Update([Addr(1)]);
        await SettleAsync();
        Assert.Equal(S.Ready, channel.State);
        await CallAsync(channel);
    }

    [Fact]
    public async Task A_resolver_error_after_addresses_keeps_the_connections()
    {
        var channel = await DialAsync("round_robin", Addrs(2));
        Resolver.Fail(new InvalidOperationException("dns down"));
        await SettleAsync();
        Assert.Equal(S.Ready, channel.State);
        await CallAsync(channel);
    }

    [Fact]
    public async Task Dispose_detaches_the_resolver()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Assert.True(Resolver.IsAttached);
        await channel.DisposeAsync();
        Assert.False(Resolver.IsAttached);
    }
}
