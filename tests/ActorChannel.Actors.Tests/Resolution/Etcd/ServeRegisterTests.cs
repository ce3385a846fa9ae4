using System.Diagnostics;
using System.Text.Json;
using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Host.Cli;
using dotnet_etcd;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution.Etcd;

/// <summary><c>serve --register etcd://.../prefix</c> against a real etcd: the key is there while it serves, gone once it stops.</summary>
public sealed class ServeRegisterTests
{
    private const string Prefix = "services/greeter/";

    [Fact]
    public async Task Serve_registers_itself_while_it_runs_and_deregisters_on_a_graceful_stop()
    {
        Assert.True(EtcdServer.Installed, "etcd is missing: run scripts/setup-peers.sh");
        await using var etcd = await EtcdServer.StartAsync();
        using var client = new EtcdClient(etcd.Url, configureChannelOptions: o => o.Credentials = Grpc.Core.ChannelCredentials.Insecure);
        var output = new StringWriter();
        var io = CliIo.Capture(TextWriter.Synchronized(output), TextWriter.Synchronized(new StringWriter()));
        using var stop = new CancellationTokenSource();
        var serving = CliApp.RunAsync(["serve", "--port", "0", "--name", "reg", "--register", $"etcd://127.0.0.1:{etcd.ClientPort}/services/greeter"], io, stop.Token);

        // Real servers: wait for the key with a deadline.
        var limit = Stopwatch.GetTimestamp() + (20 * Stopwatch.Frequency);
        Etcdserverpb.RangeResponse range;
        while ((range = await client.GetRangeAsync(Prefix)).Kvs.Count == 0)
        {
            Assert.True(Stopwatch.GetTimestamp() < limit, "serve did not register within 20 s: " + output);
            Assert.False(serving.IsCompleted, "serve ended: " + output);
            await Task.Delay(20);
        }

        var kv = Assert.Single(range.Kvs);
        using var value = JsonDocument.Parse(kv.Value.ToStringUtf8());
        var address = value.RootElement.GetProperty("Addr").GetString();
        Assert.Equal(0, value.RootElement.GetProperty("Op").GetInt32());
        Assert.Equal(Prefix + address, kv.Key.ToStringUtf8());
        Assert.Matches(@"^127\.0\.0\.1:\d+$", address);
        Assert.Contains("serving reg on http://" + address, output.ToString(), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await serving);
        Assert.Empty((await client.GetRangeAsync(Prefix)).Kvs);
    }
}
