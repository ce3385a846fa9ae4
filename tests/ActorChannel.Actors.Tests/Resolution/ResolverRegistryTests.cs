using ActorChannel.Resolution;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class ResolverRegistryTests
{
    public static TheoryData<string, string, string, string, string> DefaultSchemeRule => new()
    {
        // target, default scheme → scheme, authority, endpoint
        { "dns:///localhost:1", "passthrough", "dns", "", "localhost:1" },
        { "passthrough:///localhost:1", "dns", "passthrough", "", "localhost:1" },
        { "localhost:50051", "dns", "dns", "", "localhost:50051" },
        { "localhost:50051", "passthrough", "passthrough", "", "localhost:50051" },
        { "127.0.0.1:80", "dns", "dns", "", "127.0.0.1:80" },
        { "[::1]:80", "dns", "dns", "", "[::1]:80" },
        { "localhost", "dns", "dns", "", "localhost" },
        { "unknown:///x", "dns", "dns", "", "unknown:///x" },
        { "unknown://auth/x", "passthrough", "passthrough", "", "unknown://auth/x" },
        { "localhost:abc", "dns", "dns", "", "localhost:abc" },
        { "my%2Dhost:80", "dns", "dns", "", "my-host:80" },
        { "unix:123", "dns", "unix", "", "123" },
        { "UNIX:///tmp/s", "dns", "unix", "", "tmp/s" },
        { "ipv4:127.0.0.1:1", "dns", "ipv4", "", "127.0.0.1:1" },
        { "ipv6:[::1]:1", "dns", "ipv6", "", "[::1]:1" },
        { "unix-abstract:name", "dns", "unix-abstract", "", "name" },
    };

    [Theory]
    [MemberData(nameof(DefaultSchemeRule))]
    public void Unknown_or_missing_scheme_takes_the_default_with_the_whole_target(
        string text, string defaultScheme, string scheme, string authority, string endpoint)
    {
        var registry = ResolverRegistry.CreateDefault();

        var target = registry.Resolve(text, defaultScheme, out var factory);

        Assert.Equal((scheme, authority, endpoint), (target.Scheme, target.Authority, target.Endpoint));
        Assert.Equal(scheme, factory.Scheme);
        Assert.Equal(text, target.Original);
    }

    [Fact]
    public void Default_holds_the_built_in_schemes()
    {
        Assert.Equal(
            ["akka-cluster", "akka-discovery", "dns", "etcd", "ipv4", "ipv6", "passthrough", "unix", "unix-abstract"],
            ResolverRegistry.CreateDefault().Schemes.Order(StringComparer.Ordinal));
        foreach (var scheme in new[] { "akka-cluster", "akka-discovery", "dns", "etcd", "passthrough", "ipv4", "ipv6", "unix", "unix-abstract" })
        {
            Assert.True(ResolverRegistry.Default.TryGet(scheme, out var factory));
            Assert.Equal(scheme, factory.Scheme);
        }
    }

    [Fact]
    public void Register_adds_a_scheme_and_replaces_one_of_the_same_name()
    {
        var registry = ResolverRegistry.CreateDefault();
        var first = new ManualResolverFactory("mine");
        var second = new ManualResolverFactory("mine");

        registry.Register(first);
        Assert.True(registry.TryGet("MINE", out var found));
        Assert.Same(first, found);

        registry.Register(second);
        var target = registry.Resolve("mine://svc/x", "dns", out var factory);
        Assert.Same(second, factory);
        Assert.Equal(("mine", "svc", "x"), (target.Scheme, target.Authority, target.Endpoint));
        Assert.False(registry.TryGet("nope", out _));
    }

    [Fact]
    public void A_registered_scheme_shadows_a_host_of_that_name()
    {
        var registry = ResolverRegistry.CreateDefault().Register(new ManualResolverFactory("localhost"));

        var target = registry.Resolve("localhost:50051", "dns", out var factory);

        Assert.Equal(("localhost", "50051"), (factory.Scheme, target.Endpoint));
    }

    [Fact]
    public void An_unregistered_default_scheme_is_an_error_naming_it()
    {
        var registry = new ResolverRegistry(new PassthroughResolverFactory());

        var error = Assert.Throws<ArgumentException>(() => registry.Resolve("localhost:1", "dns", out _));

        Assert.Contains("'localhost:1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("default scheme 'dns'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_target_is_reported_even_under_the_default_scheme()
    {
        var error = Assert.Throws<ArgumentException>(() => ResolverRegistry.CreateDefault().Resolve("localhost:99999", "dns", out _));

        Assert.Contains("port '99999'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_rejects_a_factory_whose_scheme_is_not_a_scheme()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResolverRegistry().Register(new BadSchemeFactory()));

        Assert.Contains("'1bad'", error.Message, StringComparison.Ordinal);
    }

    private sealed class BadSchemeFactory : IResolverFactory
    {
        public string Scheme => "1bad";

        public IResolver Create(ChannelTarget target, ResolverContext context) => throw new NotSupportedException();

        public string GetDefaultAuthority(ChannelTarget target) => "";
    }
}
