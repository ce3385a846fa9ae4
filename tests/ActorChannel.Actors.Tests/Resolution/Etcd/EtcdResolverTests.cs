using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Resolution;
using ActorChannel.Resolution.Etcd;
using Grpc.Core;
using dotnet_etcd;
using Etcdserverpb;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution.Etcd;

// Against a real etcd on loopback; the resolver reaches it through a TcpProxy so a test can cut it off while etcd
// goes on being written. Waits are on pushed updates and errors, each with a deadline.
public sealed class EtcdResolverTests : IAsyncLifetime
{
    private const string Prefix = "services/greeter";
    private static readonly EtcdResolverOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) };
    private readonly List<IAsyncDisposable> _owned = [];
    private EtcdServer _etcd = null!;
    private TcpProxy _proxy = null!;
    private EtcdClient _client = null!;

    public async Task InitializeAsync()
    {
        Assert.True(EtcdServer.Installed, "etcd is missing: run scripts/setup-peers.sh");
        _etcd = await EtcdServer.StartAsync();
        _proxy = new TcpProxy(_etcd.ClientPort);
        _client = new EtcdClient(_etcd.Url, configureChannelOptions: o => o.Credentials = Grpc.Core.ChannelCredentials.Insecure);
    }

    // The servers stop whatever else fails here: a leaked etcd would outlive the test run.
    public async Task DisposeAsync()
    {
        try
        {
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }

            _client.Dispose();
            await _proxy.DisposeAsync();
        }
        finally
        {
            await _etcd.DisposeAsync();
        }
    }

    private IResolver Create(PushProbe probe)
    {
        var target = ChannelTarget.Parse($"etcd://127.0.0.1:{_proxy.Port}/{Prefix}");
        var resolver = new EtcdResolverFactory(Fast).Create(target, probe.Context);
        _owned.Add(resolver);
        return resolver;
    }

    private Task PutAsync(string addr) =>
        _client.PutAsync($"{Prefix}/{addr}", $$$"""{"Op":0,"Addr":"{{{addr}}}","Metadata":{"zone":"a"}}""");

    private static string[] Texts(ResolutionResult result) => result.Addresses.Select(a => a.ToString()).ToArray();

    private static Func<ResolutionResult, bool> Lists(params string[] addresses) => r => Texts(r).SequenceEqual(addresses);

    [Fact]
    public async Task The_prefix_is_read_and_then_keys_added_and_removed_move_the_addresses()
    {
        await PutAsync("127.0.0.1:5001");
        await PutAsync("127.0.0.1:5002");
        await _client.PutAsync("services/greeter-other/127.0.0.1:9", """{"Op":0,"Addr":"127.0.0.1:9"}""");
        var probe = new PushProbe();
        var resolver = Create(probe);

        var first = await resolver.ResolveAsync(CancellationToken.None);
        Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002"], Texts(first));
        Assert.Equal("""{"zone":"a"}""", first.Addresses[0].Attributes[EtcdEndpointRecord.MetadataAttribute]);

        await PutAsync("127.0.0.1:5003");
        await probe.UpdateWhereAsync(Lists("127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003"));

        await _client.DeleteAsync($"{Prefix}/127.0.0.1:5001");
        await probe.UpdateWhereAsync(Lists("127.0.0.1:5002", "127.0.0.1:5003"));

        // Asking again answers from the watch, without another read.
        Assert.Equal(["127.0.0.1:5002", "127.0.0.1:5003"], Texts(await resolver.ResolveAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task A_bad_value_is_reported_naming_its_key_and_the_good_ones_stay()
    {
        await PutAsync("127.0.0.1:5001");
        var probe = new PushProbe();
        await Create(probe).ResolveAsync(CancellationToken.None);

        await _client.PutAsync($"{Prefix}/junk", "not json");
        var error = await probe.NextErrorAsync();

        Assert.Contains($"'{Prefix}/junk'", error.Message, StringComparison.Ordinal);
        Assert.False(probe.HasUpdate);
    }

    [Fact]
    public async Task An_etcd_restart_loses_no_update_made_before_the_watch_is_back()
    {
        await PutAsync("127.0.0.1:5001");
        var probe = new PushProbe();
        var resolver = Create(probe);
        await resolver.ResolveAsync(CancellationToken.None);

        _proxy.Cut();
        await _etcd.RestartAsync();
        var lost = await probe.NextErrorAsync();
        Assert.Contains("lost the watch", lost.Message, StringComparison.Ordinal);
        Assert.Contains("keeping the last 1 addresses", lost.Message, StringComparison.Ordinal);

        // Written while the resolver cannot see etcd: the resumed watch must replay both.
        await PutAsync("127.0.0.1:5002");
        await _client.DeleteAsync($"{Prefix}/127.0.0.1:5001");
        _proxy.Open();

        await probe.UpdateWhereAsync(Lists("127.0.0.1:5002"));
        Assert.DoesNotContain(probe.Logged, line => line.Contains("compacted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_compaction_the_prefix_is_read_whole_again()
    {
        await PutAsync("127.0.0.1:5001");
        var probe = new PushProbe();
        await Create(probe).ResolveAsync(CancellationToken.None);

        _proxy.Cut();
        await probe.NextErrorAsync();
        await PutAsync("127.0.0.1:5002");
        await _client.DeleteAsync($"{Prefix}/127.0.0.1:5001");
        var latest = await _client.PutAsync("unrelated", "x");
        await _client.CompactAsync(new CompactionRequest { Revision = latest.Header.Revision });
        _proxy.Open();

        await probe.UpdateWhereAsync(Lists("127.0.0.1:5002"));
        Assert.Contains(probe.Logged, line => line.Contains("was compacted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_registration_is_seen_and_leaves_at_once_on_stop_or_when_its_lease_runs_out()
    {
        var probe = new PushProbe();
        var resolver = Create(probe);
        Assert.Empty((await resolver.ResolveAsync(CancellationToken.None)).Addresses);
        var target = $"etcd://{_etcd.Url["http://".Length..]}/{Prefix}";

        var graceful = await EtcdRegistration.StartAsync(target, "127.0.0.1:6001", TimeSpan.FromSeconds(30));
        var killed = await EtcdRegistration.StartAsync(target, "127.0.0.1:6002", TimeSpan.FromSeconds(2));
        await probe.UpdateWhereAsync(Lists("127.0.0.1:6001", "127.0.0.1:6002"));

        await graceful.DisposeAsync();
        await probe.UpdateWhereAsync(Lists("127.0.0.1:6002"));

        // A killed process stops renewing; etcd removes the key when the 2 s lease runs out.
        await killed.AbandonAsync();
        await probe.UpdateWhereAsync(r => r.Addresses.Count == 0);
        _owned.Add(killed);
    }

    [Fact]
    public async Task Etcd_unreachable_at_the_first_resolution_is_an_error_naming_the_member()
    {
        _proxy.Cut();
        var resolver = Create(new PushProbe());

        var error = await Assert.ThrowsAsync<NameResolutionException>(() => resolver.ResolveAsync(CancellationToken.None));

        Assert.Contains($"127.0.0.1:{_proxy.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Prefix}/'", error.Message, StringComparison.Ordinal);
    }
}
