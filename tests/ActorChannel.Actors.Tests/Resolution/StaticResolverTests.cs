using System.Net;
using System.Net.Sockets;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class StaticResolverTests
{
    private static async Task<IReadOnlyList<EndPoint>> ResolveAsync(string text)
    {
        var target = ResolverRegistry.CreateDefault().Resolve(text, "dns", out var factory);
        await using var resolver = factory.Create(target, new RecordingContext().Context);
        Assert.Equal(TimeSpan.Zero, resolver.MinResolveInterval);
        var result = await resolver.ResolveAsync(CancellationToken.None);
        return result.Addresses.Select(a => a.EndPoint).ToArray();
    }

    private static ArgumentException CreateFails(string text)
    {
        var target = ResolverRegistry.CreateDefault().Resolve(text, "dns", out var factory);
        var error = Assert.ThrowsAny<ArgumentException>(() => factory.Create(target, new RecordingContext().Context));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        return error;
    }

    [Theory]
    [InlineData("passthrough:///127.0.0.1:50051", "127.0.0.1:50051")]
    [InlineData("passthrough:///[::1]:50051", "[::1]:50051")]
    [InlineData("passthrough:///:50051", "localhost:50051")]
    [InlineData("passthrough:localhost:50051", "localhost:50051")]
    public async Task Passthrough_hands_host_port_on(string text, string expected)
    {
        var endpoints = await ResolveAsync(text);

        Assert.Equal(expected, Assert.Single(endpoints.Select(e => new TransportAddress(e).ToString())));
    }

    [Fact]
    public async Task Passthrough_keeps_a_name_for_the_transport_to_look_up()
    {
        var endpoint = Assert.Single(await ResolveAsync("passthrough:///localhost:50051"));

        Assert.Equal(new DnsEndPoint("localhost", 50051), endpoint);
    }

    [Fact]
    public async Task Passthrough_takes_a_unix_endpoint_like_grpc_go_dialer()
    {
        var endpoint = Assert.Single(await ResolveAsync("passthrough:///unix:///tmp/pt.sock"));

        Assert.Equal("/tmp/pt.sock", endpoint.ToString());
    }

    [Theory]
    [InlineData("passthrough:///", "needs an address")]
    [InlineData("passthrough:///localhost", "needs a port")]
    [InlineData("passthrough:///localhost:0x50", "port '0x50'")]
    [InlineData("passthrough:///a:1:2", "more than one ':'")]
    public void Passthrough_rejects_what_cannot_be_dialled(string text, string namesThePart)
    {
        Assert.Contains(namesThePart, CreateFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ipv4:127.0.0.1:80,127.0.0.2", "127.0.0.1:80|127.0.0.2:443")]
    [InlineData("ipv4:10.0.0.1", "10.0.0.1:443")]
    [InlineData("ipv4:///127.0.0.1:1", "127.0.0.1:1")]
    [InlineData("ipv6:[::1]:80,[::2],::3", "[::1]:80|[::2]:443|[::3]:443")]
    [InlineData("ipv6:[fe80::1%252]:1", "[fe80::1%2]:1")]
    public async Task Ip_lists_give_every_address_in_order(string text, string expected)
    {
        var endpoints = await ResolveAsync(text);

        Assert.Equal(expected.Split('|'), endpoints.Select(e => new TransportAddress(e).ToString()));
    }

    [Theory]
    [InlineData("ipv4:", "address list is empty")]
    [InlineData("ipv4:1.2.3.4,,5.6.7.8", "entry 2 of the ipv4 address list is empty")]
    [InlineData("ipv4:1.2.3", "'1.2.3' in the ipv4 address list is not an IPv4 address")]
    [InlineData("ipv4:1.2.3.256:80", "'1.2.3.256'")]
    [InlineData("ipv4:010.0.0.1", "'010.0.0.1'")]
    [InlineData("ipv4:example.com:80", "'example.com'")]
    [InlineData("ipv4:1.2.3.4:65536", "port '65536'")]
    [InlineData("ipv4:[::1]:80", "'::1' in the ipv4 address list is not an IPv4 address")]
    [InlineData("ipv4://auth/1.2.3.4", "authority")]
    [InlineData("ipv6:127.0.0.1", "'127.0.0.1' in the ipv6 address list is not an IPv6 address")]
    [InlineData("ipv6:[::1]:80,[zz]", "'[zz]'")]
    [InlineData("ipv6:[::1]:-1", "port '-1'")]
    public void Ip_lists_validate_every_address(string text, string namesThePart)
    {
        Assert.Contains(namesThePart, CreateFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:/tmp/a.sock", "/tmp/a.sock")]
    [InlineData("unix:relative/a.sock", "relative/a.sock")]
    [InlineData("unix:///tmp/a.sock", "/tmp/a.sock")]
    [InlineData("unix://localhost/tmp/a.sock", "/tmp/a.sock")]
    [InlineData("unix:/tmp/with%20space.sock", "/tmp/with space.sock")]
    public async Task Unix_targets_give_a_socket_path(string text, string path)
    {
        var endpoint = Assert.IsType<UnixDomainSocketEndPoint>(Assert.Single(await ResolveAsync(text)));

        Assert.Equal(path, endpoint.ToString());
    }

    [Fact]
    public async Task Unix_abstract_puts_the_name_in_the_abstract_namespace()
    {
        var endpoint = Assert.IsType<UnixDomainSocketEndPoint>(Assert.Single(await ResolveAsync("unix-abstract:my-service")));

        // .NET shows the leading NUL of an abstract address as '@'.
        Assert.Equal("@my-service", endpoint.ToString());
        Assert.Equal(new UnixDomainSocketEndPoint("\0my-service"), endpoint);
    }

    [Theory]
    [InlineData("unix://host/tmp/a", "authority 'host'")]
    [InlineData("unix:", "needs a socket path")]
    [InlineData("unix:///", "needs a socket path")]
    [InlineData("unix:/tmp/a%00b", "NUL")]
    [InlineData("unix-abstract:", "needs a socket name")]
    [InlineData("unix-abstract:a%00b", "NUL")]
    public void Unix_targets_reject_bad_paths(string text, string namesThePart)
    {
        Assert.Contains(namesThePart, CreateFails(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_too_long_for_a_socket_address_is_named()
    {
        var text = "unix:/" + new string('a', 300);

        Assert.Contains("not a usable Unix socket address", CreateFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("passthrough:///example.com:8080", "example.com:8080")]
    [InlineData("unix:///tmp/a", "localhost")]
    [InlineData("unix-abstract:x", "localhost")]
    [InlineData("ipv4:127.0.0.1:80,127.0.0.2", "127.0.0.1:80")]
    [InlineData("ipv6:[::1]:80,[::2]", "[::1]:80")]
    [InlineData("dns:///example.com", "example.com")]
    [InlineData("dns:///example.com:8443", "example.com:8443")]
    [InlineData("dns:///:8443", "localhost:8443")]
    [InlineData("dns:///::1", "[::1]")]
    [InlineData("dns:///[::1]:80", "[::1]:80")]
    [InlineData("example.com:8443", "example.com:8443")]
    public void Default_authorities_follow_grpc_go(string text, string authority)
    {
        var target = ResolverRegistry.CreateDefault().Resolve(text, "dns", out var factory);

        Assert.Equal(authority, factory.GetDefaultAuthority(target));
    }
}
