using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Server;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The channel over the real HTTP/2 transport against the Greeter server (Kestrel) on loopback, in process. Each
/// reply names the instance that answered, which is how calls are counted per backend. Real time, so every wait
/// is bounded; backoff is shortened so a restarted backend is found again quickly.
/// </summary>
[Collection("channel end to end")]
public sealed class EndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = Loopback.Bound;

    private readonly Loopback _loopback = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task Round_robin_spreads_calls_over_three_backends()
    {
        var backends = await StartAsync(3);
        var channel = Dial(Loopback.Target(backends), "round_robin");
        await WaitUntilAllServeAsync(channel, backends);
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 300; i++)
        {
            var instance = GreeterLoad.InstanceOf(await Call(channel));
            counts[instance] = counts.GetValueOrDefault(instance) + 1;
        }

        Assert.All(backends, b => Assert.Equal(100, counts.GetValueOrDefault(b.InstanceName)));
    }

    [Fact]
    public async Task Round_robin_survives_a_killed_backend_and_uses_it_again_after_restart()
    {
        var backends = await StartAsync(3);
        int port = backends[1].Port;
        GreeterLoad? load = null;
        long lostAt = long.MaxValue;
        int losses = 0;
        int restarting = 0;
        var channel = Dial(Loopback.Target(backends), "round_robin", t =>
        {
            // Every loss of the killed backend's connections counts, not only the first: AbortAsync drops the
            // connections before it closes the listener, so on a slow machine the channel can reconnect once to the
            // dying server and lose that connection too. Losses of the restarted server's connection do not count.
            if (t.Address == TransportAddress.Tcp("127.0.0.1", port) && t.From == S.Ready && Volatile.Read(ref restarting) == 0)
            {
                Interlocked.Exchange(ref lostAt, load?.Started ?? 0);
                Interlocked.Increment(ref losses);
            }
        });
        await WaitUntilAllServeAsync(channel, backends);

        load = new GreeterLoad(channel, callers: 4, Bound);
        var l = load;
        await l.UntilAsync(() => l.Succeeded > 200, "200 calls");
        await backends[1].AbortAsync();
        long killedAt = l.Started;
        await l.UntilAsync(() => l.Succeeded > l.SucceededAt(killedAt) + 300, "300 calls after the kill");
        var afterKill = l.CallsTo("b1");
        await l.UntilAsync(() => l.Succeeded > l.SucceededAt(killedAt) + 600, "600 calls after the kill");
        Assert.Equal(afterKill, l.CallsTo("b1"));
        Assert.True(l.CallsTo("b0") > 0 && l.CallsTo("b2") > 0);

        Volatile.Write(ref restarting, 1);
        await _loopback.StartAsync("b1-again", port);
        await l.UntilAsync(() => l.CallsTo("b1-again") > 10, "the restarted backend serving 10 calls");
        await l.StopAsync();

        // Calls written to a killed connection before the channel saw it die fail UNAVAILABLE (gRPC never replays
        // a call the server may have seen); no call started after the channel saw the loss fails.
        output.WriteLine($"killed at call {killedAt}, last loss seen at call {lostAt} ({losses} losses), {l.Failures.Count} failed");
        foreach (var (startedAt, error) in l.Failures)
        {
            output.WriteLine($"call {startedAt} failed: {error.Message}");
        }

        Assert.True(Volatile.Read(ref losses) >= 1, "the channel never saw the killed backend's connection go");
        Assert.All(l.Failures, f => Assert.True(f.StartedAt <= Interlocked.Read(ref lostAt), $"call {f.StartedAt} started after the loss was seen (at {lostAt}, {losses} losses) failed: {f.Error.Message}"));
        l.Dispose();
    }

    [Fact]
    public async Task Graceful_shutdown_of_a_backend_fails_no_call()
    {
        var backends = await StartAsync(3);
        foreach (var b in backends)
        {
            b.Behavior.Delay = TimeSpan.FromMilliseconds(20);
        }

        var channel = Dial(Loopback.Target(backends), "round_robin");
        await WaitUntilAllServeAsync(channel, backends);
        using var load = new GreeterLoad(channel, callers: 8, Bound);
        await load.UntilAsync(() => load.Succeeded > 100, "100 calls");
        await backends[0].StopGracefullyAsync();
        var stopped = load.Succeeded;
        await load.UntilAsync(() => load.Succeeded > stopped + 200, "200 calls after the graceful stop");
        await load.StopAsync();
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task Pick_first_fails_over_to_the_next_backend()
    {
        var backends = await StartAsync(2);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = TransportAddress.Tcp("127.0.0.1", backends[0].Port);
        var channel = Dial(Loopback.Target(backends), "pick_first", t =>
        {
            if (t.Address == first && t.From == S.Ready)
            {
                lost.TrySetResult();
            }
        });
        await channel.ConnectAsync().WaitAsync(Bound);
        Assert.Equal("b0", GreeterLoad.InstanceOf(await Call(channel)));
        await backends[0].AbortAsync();

        // A call written to the dead connection before the client reads the reset fails; once the channel has
        // seen the loss, every call goes to the next backend.
        await lost.Task.WaitAsync(Bound);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("b1", GreeterLoad.InstanceOf(await Call(channel, waitForReady: true)));
        }
    }

    [Fact]
    public async Task Pick_first_moves_on_without_a_failed_call_when_its_backend_shuts_down_gracefully()
    {
        var backends = await StartAsync(2);
        backends[0].Behavior.Delay = TimeSpan.FromMilliseconds(20);
        var channel = Dial(Loopback.Target(backends), "pick_first");
        await channel.ConnectAsync().WaitAsync(Bound);
        using var load = new GreeterLoad(channel, callers: 8, Bound);
        await load.UntilAsync(() => load.Succeeded > 100, "100 calls");
        await backends[0].StopGracefullyAsync();
        var stopped = load.Succeeded;
        await load.UntilAsync(() => load.Succeeded > stopped + 200 && load.CallsTo("b1") > 100, "200 calls after the graceful stop, 100 of them on b1");
        await load.StopAsync();
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task A_dns_target_on_localhost_works()
    {
        var backends = await StartAsync(1);
        var channel = Dial($"dns:///localhost:{backends[0].Port}", "pick_first");
        Assert.Equal("b0", GreeterLoad.InstanceOf(await Call(channel, waitForReady: true)));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task A_unix_target_works()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorchannel-{Guid.NewGuid():N}.sock");
        try
        {
            await _loopback.StartAsync(new GreeterServerOptions { UnixSocketPath = path, InstanceName = "uds" });
            var channel = Dial("unix:" + path, "pick_first");
            Assert.Equal("uds", GreeterLoad.InstanceOf(await Call(channel, waitForReady: true)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<RunningGreeterServer[]> StartAsync(int count)
    {
        var started = new RunningGreeterServer[count];
        for (int i = 0; i < count; i++)
        {
            started[i] = await _loopback.StartAsync("b" + i);
        }

        return started;
    }

    private ManagedChannel Dial(string target, string policy, Action<SubchannelTransition>? observer = null) =>
        _loopback.Dial(target, new ManagedChannelOptions
        {
            DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
            Backoff = Loopback.ShortBackoff,
            TransitionObserver = observer,
        });

    private static Task<string> Call(ManagedChannel channel, bool waitForReady = false) =>
        new Greeter.GreeterClient(channel).GreetAsync("e2e", GreeterLoad.Options(waitForReady, Bound));

    private static async Task WaitUntilAllServeAsync(ManagedChannel channel, RunningGreeterServer[] backends)
    {
        var seen = new HashSet<string>();
        var until = DateTime.UtcNow + Bound;
        while (seen.Count < backends.Length && DateTime.UtcNow < until)
        {
            seen.Add(GreeterLoad.InstanceOf(await Call(channel, waitForReady: true)));
        }

        Assert.Equal(backends.Select(b => b.InstanceName).Order(), seen.Order());
    }
}
