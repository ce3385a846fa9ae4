using System.Net;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class ManualResolverTests
{
    private static readonly TransportAddress A = new(new IPEndPoint(IPAddress.Loopback, 1001));
    private static readonly TransportAddress B = new(new IPEndPoint(IPAddress.Loopback, 1002));

    private static (ManualResolverFactory Factory, IResolver Hosted, RecordingContext Context) Attach(string scheme = "manual")
    {
        var factory = new ManualResolverFactory(scheme);
        var registry = new ResolverRegistry(factory);
        var target = registry.Resolve($"{scheme}:///backends", "dns", out var found);
        var context = new RecordingContext();
        return (factory, found.Create(target, context.Context), context);
    }

    [Fact]
    public async Task Update_pushes_through_the_context_and_becomes_the_answer()
    {
        var (factory, hosted, context) = Attach();

        factory.Resolver.Update([A, B], """{"loadBalancingConfig":[{"round_robin":{}}]}""");

        var pushed = Assert.Single(context.Updates);
        Assert.Equal([A, B], pushed.Addresses);
        Assert.Contains("round_robin", pushed.ServiceConfigJson, StringComparison.Ordinal);
        var resolved = await hosted.ResolveAsync(CancellationToken.None);
        Assert.Same(pushed, resolved);
        Assert.Equal(1, factory.Resolver.ResolveCount);
        Assert.Equal("backends", factory.Resolver.Target?.Endpoint);
    }

    [Fact]
    public async Task Fail_pushes_the_error_and_resolving_throws_it_until_the_next_update()
    {
        var (factory, hosted, context) = Attach();
        var error = new InvalidOperationException("no backends");

        factory.Resolver.Fail(error);

        Assert.Same(error, Assert.Single(context.Errors));
        Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.ResolveAsync(CancellationToken.None)));
        Assert.Null(factory.Resolver.LatestResult);

        factory.Resolver.Update([B]);
        Assert.Equal([B], (await hosted.ResolveAsync(CancellationToken.None)).Addresses);
    }

    [Fact]
    public async Task Resolving_before_any_update_waits_for_the_first()
    {
        var (factory, hosted, _) = Attach();

        var pending = hosted.ResolveAsync(CancellationToken.None);
        Assert.False(pending.IsCompleted);

        factory.Resolver.Update([A]);
        Assert.Equal([A], (await pending).Addresses);
    }

    [Fact]
    public async Task Waiting_for_the_first_update_can_be_cancelled()
    {
        var (_, hosted, _) = Attach();
        using var cts = new CancellationTokenSource();

        var pending = hosted.ResolveAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task An_initial_state_answers_at_once_without_a_push()
    {
        var manual = new ManualResolver(new ResolutionResult([A]), TimeSpan.FromSeconds(7));
        var factory = new ManualResolverFactory(manual, "test");
        var context = new RecordingContext();
        await using var hosted = factory.Create(ChannelTarget.Parse("test:x"), context.Context);

        Assert.Equal([A], (await hosted.ResolveAsync(CancellationToken.None)).Addresses);
        Assert.Empty(context.Updates);
        Assert.Equal(TimeSpan.FromSeconds(7), hosted.MinResolveInterval);
    }

    [Fact]
    public async Task Disposing_detaches_only_its_own_host()
    {
        var factory = new ManualResolverFactory();
        var target = ChannelTarget.Parse("manual:///x");
        var first = new RecordingContext();
        var second = new RecordingContext();
        var old = factory.Create(target, first.Context);
        var current = factory.Create(target, second.Context);

        await old.DisposeAsync();
        factory.Resolver.Update([A]);

        Assert.Empty(first.Updates);
        Assert.Single(second.Updates);
        Assert.True(factory.Resolver.IsAttached);

        await current.DisposeAsync();
        factory.Resolver.Update([B]);
        Assert.Single(second.Updates);
        Assert.False(factory.Resolver.IsAttached);
        Assert.Equal([B], factory.Resolver.LatestResult?.Addresses);
    }

    [Fact]
    public void Updates_before_attaching_are_kept_not_pushed()
    {
        var factory = new ManualResolverFactory();

        factory.Resolver.Update([A]);

        Assert.False(factory.Resolver.IsAttached);
        Assert.Equal([A], factory.Resolver.LatestResult?.Addresses);
    }

    [Theory]
    [InlineData("Manual")]
    [InlineData("1x")]
    [InlineData("")]
    public void The_factory_scheme_must_be_a_lower_case_scheme(string scheme)
    {
        var error = Assert.Throws<ArgumentException>(() => new ManualResolverFactory(scheme));

        Assert.Contains($"'{scheme}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_authority_is_the_endpoint()
    {
        Assert.Equal("backends", new ManualResolverFactory().GetDefaultAuthority(ChannelTarget.Parse("manual:///backends")));
    }
}
