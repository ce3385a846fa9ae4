using ActorChannel.Resolution;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class ChannelTargetParseTests
{
    public static TheoryData<string, string, string, string> WellFormed => new()
    {
        // scheme://authority/endpoint
        { "dns:///localhost:50051", "dns", "", "localhost:50051" },
        { "dns://8.8.8.8:53/example.com:443", "dns", "8.8.8.8:53", "example.com:443" },
        { "DNS:///Example.com", "dns", "", "Example.com" },
        { "passthrough:///127.0.0.1:80", "passthrough", "", "127.0.0.1:80" },
        { "passthrough:///[::1]:80", "passthrough", "", "[::1]:80" },
        { "custom://auth/a/b/c", "custom", "auth", "a/b/c" },
        { "custom://auth", "custom", "auth", "" },
        { "custom://[::1]:8080/x", "custom", "[::1]:8080", "x" },
        { "custom://user@host:1/x", "custom", "user@host:1", "x" },
        { "unix:///abs/path", "unix", "", "abs/path" },
        { "unix://localhost/abs/path", "unix", "localhost", "abs/path" },

        // scheme:opaque
        { "dns:localhost:50051", "dns", "", "localhost:50051" },
        { "unix:relative/path", "unix", "", "relative/path" },
        { "unix:/absolute/path", "unix", "", "/absolute/path" },
        { "unix-abstract:my-name", "unix-abstract", "", "my-name" },
        { "ipv4:1.2.3.4:80,5.6.7.8", "ipv4", "", "1.2.3.4:80,5.6.7.8" },
        { "ipv6:[::1]:80,[::2]", "ipv6", "", "[::1]:80,[::2]" },
        { "localhost:abc", "localhost", "", "abc" },

        // percent-decoding of the endpoint
        { "unix:/tmp/my%20socket", "unix", "", "/tmp/my socket" },
        { "unix:///tmp/a%2Fb%3Fc%23d", "unix", "", "tmp/a/b?c#d" },
        { "custom:///caf%C3%A9", "custom", "", "café" },
        { "ipv6:[fe80::1%25eth0]:80", "ipv6", "", "[fe80::1%eth0]:80" },

        // no scheme: the default applies later
        { "localhost:50051", "", "", "localhost:50051" },
        { "localhost", "", "", "localhost" },
        { "127.0.0.1:80", "", "", "127.0.0.1:80" },
        { "[::1]:80", "", "", "[::1]:80" },
        { "[::1]", "", "", "[::1]" },
        { "::1", "", "", "::1" },
        { "example.com:443", "", "", "example.com:443" },
        { "/tmp/socket", "", "", "/tmp/socket" },
        { ":50051", "", "", ":50051" },
        { "unix:123", "", "", "unix:123" },
    };

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void Parses_scheme_authority_and_endpoint(string text, string scheme, string authority, string endpoint)
    {
        var target = ChannelTarget.Parse(text);

        Assert.Equal((scheme, authority, endpoint), (target.Scheme, target.Authority, target.Endpoint));
        Assert.Equal(text, target.Original);
        Assert.Equal(text, target.ToString());
    }

    [Theory]
    [InlineData("dns:///x", true, "/x")]
    [InlineData("unix:///abs/path", true, "/abs/path")]
    [InlineData("unix:rel", false, "rel")]
    [InlineData("localhost:1", false, "localhost:1")]
    public void Knows_whether_an_authority_was_written(string text, bool hasAuthority, string path)
    {
        var target = ChannelTarget.Parse(text);

        Assert.Equal(hasAuthority, target.HasAuthority);
        Assert.Equal(path, target.Path);
    }

    [Fact]
    public void Keeps_the_query_raw()
    {
        var target = ChannelTarget.Parse("consul://agent:8500/service?healthy=true&tag=a%20b");

        Assert.Equal("service", target.Endpoint);
        Assert.Equal("healthy=true&tag=a%20b", target.Query);
    }

    [Theory]
    [InlineData("", "the target is empty")]
    [InlineData("   ", "only whitespace")]
    [InlineData(" dns:///x", "leading or trailing whitespace")]
    [InlineData("dns:///x\t", "leading or trailing whitespace")]
    [InlineData("dns:///a\u0001b", "control character U+0001")]
    [InlineData("dns:///x#frag", "fragment '#frag'")]
    [InlineData("dns:///a%zzb", "bad percent-escape '%zz'")]
    [InlineData("dns:///a%4", "bad percent-escape '%4'")]
    [InlineData("dns:///a%", "bad percent-escape '%'")]
    [InlineData("dns:///%C3%28", "do not decode to UTF-8")]
    [InlineData("x:///ok?q=%GG", "query has a bad percent-escape '%GG'")]
    [InlineData("dns://my server/x", "authority 'my server' contains whitespace")]
    [InlineData("dns://a{b/x", "authority 'a{b' contains '{'")]
    [InlineData("dns://host:99999/x", "port '99999'")]
    [InlineData("dns://host:8x/x", "port '8x'")]
    [InlineData("dns://[::1/x", "'[' without a closing ']'")]
    [InlineData("dns://host:80:90/x", "more than one ':'")]
    [InlineData("dns://host:/x", "port in the authority 'host:' is empty")]
    [InlineData("dns://[nope]:80/x", "'[nope]'")]
    [InlineData("my host:80", "host 'my host'")]
    [InlineData("my host", "host 'my host'")]
    [InlineData("localhost:65536", "port '65536' in the target is out of range")]
    [InlineData("localhost:99999999999999", "port '99999999999999' in the target is out of range")]
    [InlineData("127.0.0.1:70000", "port '70000'")]
    [InlineData("127.0.0.1:", "port in the target is empty")]
    [InlineData("127.0.0.1:http", "port 'http'")]
    [InlineData("[::1]:99999", "port '99999'")]
    [InlineData("[::1]x", "'x' after the IPv6 address")]
    [InlineData("[::1", "'[' without a closing ']'")]
    [InlineData("[zz]:80", "'[zz]'")]
    public void Rejects_bad_targets_naming_the_bad_part(string text, string namesThePart)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ChannelTarget.Parse(text));

        Assert.Contains($"'{TargetText(text)}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(namesThePart, error.Message, StringComparison.Ordinal);
        Assert.Equal("target", error.ParamName);
        Assert.False(ChannelTarget.TryParse(text, out _));
    }

    [Fact]
    public void Rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => ChannelTarget.Parse(null!));
        Assert.False(ChannelTarget.TryParse(null, out _));
    }

    [Theory]
    [InlineData("dns:///localhost:1", "dns:///localhost:1")]
    [InlineData("unix:/tmp/my%20sock", "unix:/tmp/my%20sock")]
    [InlineData("dns:%34%34%33", "dns:%3443")]
    [InlineData("x:%2F%2Fnot-an-authority", "x:%2F/not-an-authority")]
    [InlineData("localhost:1", "localhost:1")]
    public void Writes_a_uri_that_parses_back(string text, string uri)
    {
        var target = ChannelTarget.Parse(text);

        Assert.Equal(uri, target.ToUriString());
        var back = ChannelTarget.Parse(uri);
        Assert.Equal((target.Scheme, target.Authority, target.Endpoint), (back.Scheme, back.Authority, back.Endpoint));
    }

    // Error messages show control characters escaped.
    private static string TargetText(string text) => text.Replace("\u0001", "\\u0001", StringComparison.Ordinal).Replace("\t", "\\u0009", StringComparison.Ordinal);
}
