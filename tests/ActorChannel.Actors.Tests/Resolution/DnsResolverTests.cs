using System.Net;
using System.Net.Sockets;
using ActorChannel.Resolution;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

// Real lookups are of "localhost" only; everything else goes through a fake lookup.
public class DnsResolverTests
{
    private static readonly TimeSpan ThirtySeconds = TimeSpan.FromSeconds(30);

    private static IResolver Create(string text, DnsResolverFactory? factory = null, RecordingContext? context = null)
    {
        var target = ResolverRegistry.CreateDefault().Resolve(text, "dns", out var found);
        Assert.Equal("dns", found.Scheme);
        return (factory ?? new DnsResolverFactory()).Create(target, (context ?? new RecordingContext()).Context);
    }

    private static DnsResolverFactory Fake(Func<string, CancellationToken, Task<IPAddress[]>> lookup) =>
        new(ThirtySeconds, ThirtySeconds, lookup);

    [Theory]
    [InlineData("dns:///localhost:50051", 50051)]
    [InlineData("localhost:50051", 50051)]
    [InlineData("dns:localhost", 443)]
    [InlineData("dns:///:7000", 7000)]
    public async Task Localhost_resolves_to_loopback_addresses_with_the_port(string text, int port)
    {
        await using var resolver = Create(text);

        var result = await resolver.ResolveAsync(CancellationToken.None);

        Assert.NotEmpty(result.Addresses);
        Assert.All(result.Addresses, a =>
        {
            var ip = Assert.IsType<IPEndPoint>(a.EndPoint);
            Assert.True(IPAddress.IsLoopback(ip.Address), $"{ip} is not loopback");
            Assert.Equal(port, ip.Port);
        });
        Assert.Null(result.ServiceConfigJson);
        Assert.Equal(ThirtySeconds, resolver.MinResolveInterval);
    }

    [Theory]
    [InlineData("dns:///127.0.0.1:8080", "127.0.0.1:8080")]
    [InlineData("dns:///127.0.0.1", "127.0.0.1:443")]
    [InlineData("dns:///[::1]:8080", "[::1]:8080")]
    [InlineData("dns:///[::1]", "[::1]:443")]
    [InlineData("dns:///::1", "[::1]:443")]
    [InlineData("127.0.0.1:9", "127.0.0.1:9")]
    public async Task Ip_literals_need_no_lookup(string text, string expected)
    {
        var factory = Fake((host, _) => throw new InvalidOperationException($"looked up {host}"));
        await using var resolver = Create(text, factory);

        var result = await resolver.ResolveAsync(CancellationToken.None);

        Assert.Equal(expected, Assert.Single(result.Addresses).ToString());
    }

    [Fact]
    public async Task Addresses_keep_the_order_the_lookup_gives()
    {
        IPAddress[] answer = [IPAddress.Parse("127.0.0.3"), IPAddress.IPv6Loopback, IPAddress.Parse("127.0.0.1")];
        string? asked = null;
        await using var resolver = Create("dns:///svc.example:81", Fake((host, _) => { asked = host; return Task.FromResult(answer); }));

        var result = await resolver.ResolveAsync(CancellationToken.None);

        Assert.Equal("svc.example", asked);
        Assert.Equal(["127.0.0.3:81", "[::1]:81", "127.0.0.1:81"], result.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public async Task A_name_without_addresses_is_an_error()
    {
        await using var resolver = Create("dns:///empty.example", Fake((_, _) => Task.FromResult(Array.Empty<IPAddress>())));

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));

        Assert.Contains("'empty.example' resolved to no address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_failure_is_reported_with_the_host()
    {
        await using var resolver = Create("dns:///nx.example", Fake((_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound))));

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));

        Assert.Contains("'nx.example' failed", error.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(error.InnerException);
    }

    [Fact]
    public async Task A_lookup_gives_up_after_its_timeout_in_virtual_time()
    {
        var clock = new ManualClock();
        var hung = new TaskCompletionSource<IPAddress[]>();
        await using var resolver = Create("dns:///slow.example", Fake((_, _) => hung.Task), new RecordingContext(clock));

        var pending = resolver.ResolveAsync(CancellationToken.None);
        clock.Advance(ThirtySeconds - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => pending);
        Assert.Contains("timed out after 30 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_caller_cancelling_cancels_the_lookup()
    {
        var sawCancel = new TaskCompletionSource();
        var factory = Fake(async (_, ct) =>
        {
            ct.Register(() => sawCancel.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        });
        await using var resolver = Create("dns:///slow.example", factory);
        using var cts = new CancellationTokenSource();

        var pending = resolver.ResolveAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await sawCancel.Task;
    }

    [Fact]
    public async Task An_answer_asks_the_resolver_actor_to_look_again_at_the_floor_unless_the_floor_is_zero()
    {
        var answer = Task.FromResult(new[] { IPAddress.Loopback });
        await using var resolver = Create("dns:///svc.example:81", Fake((_, _) => answer));
        var off = new DnsResolverFactory(new DnsResolverOptions { TtlRefreshFloor = TimeSpan.Zero }, (_, _) => answer, _ => true);
        await using var never = Create("dns:///svc.example:81", off);

        // The OS lookup gives no TTL, so the floor it is; a failed refresh waits the floor too.
        Assert.Equal(new RefreshSchedule(ThirtySeconds, ThirtySeconds), (await resolver.ResolveAsync(CancellationToken.None)).Refresh);
        Assert.Null((await never.ResolveAsync(CancellationToken.None)).Refresh);
    }

    [Fact]
    public async Task A_disposed_resolver_looks_nothing_up()
    {
        var lookups = 0;
        await using var resolver = Create("dns:///svc.example", Fake((_, _) => { lookups++; return Task.FromResult(new[] { IPAddress.Loopback }); }));
        await resolver.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync(CancellationToken.None));
        Assert.Equal(0, lookups);
    }

    [Fact]
    public async Task A_real_lookup_honours_an_already_cancelled_token()
    {
        await using var resolver = Create("dns:///localhost");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync(new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData("dns://dns.example/example.com", "the authority 'dns.example' names the DNS server to ask, which must be an IP address")]
    [InlineData("dns:///_grpc._tcp.example.com:50051", "'_grpc._tcp.example.com' is an SRV name, whose records give the ports")]
    [InlineData("dns:///", "dns needs a host")]
    [InlineData("dns:", "dns needs a host")]
    [InlineData("dns:///localhost:99999", "port '99999'")]
    [InlineData("dns:///localhost:", "port in the endpoint 'localhost:' is empty")]
    [InlineData("dns:///local host:80", "host 'local host'")]
    [InlineData("dns:///a/b", "host 'a/b' is neither a DNS name nor an IP address")]
    [InlineData("dns:///a..b", "host 'a..b'")]
    [InlineData("dns:///[zz]:80", "'[zz]'")]
    public void Bad_dns_targets_fail_at_create_naming_the_part(string text, string namesThePart)
    {
        var target = ChannelTarget.Parse(text);

        var error = Assert.ThrowsAny<ArgumentException>(() => new DnsResolverFactory().Create(target, new RecordingContext().Context));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(namesThePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intervals_are_configurable()
    {
        var factory = new DnsResolverFactory(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(5), factory.MinResolveInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), factory.LookupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new DnsResolverFactory().MinResolveInterval);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsResolverFactory(TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Default_port_is_443()
    {
        Assert.Equal(443, DnsResolverFactory.DefaultPort);
    }
}
