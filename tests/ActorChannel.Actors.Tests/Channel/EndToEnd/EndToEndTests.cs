using System.Collections.Concurrent;
using ActorChannel.Client;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Backoff;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The channel over the real HTTP/2 transport against Kestrel backends on loopback. Real time, so every wait is
/// bounded; backoff is shortened so a restarted backend is found again quickly.
/// </summary>
[Collection("channel end to end")]
public sealed class EndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly Method<string, string> Say = new(
        MethodType.Unary, "test.Echo", "Say",
        new Marshaller<string>(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b.Span)),
        new Marshaller<string>(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b.Span)));

    private readonly List<EchoBackend> _backends = new();
    private readonly List<GrpcChannel> _channels = new();
    private readonly ILoggerFactory _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new TestOutputLoggerProvider(output)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        _logs.Dispose();
    }

    [Fact]
    public async Task Round_robin_spreads_calls_over_three_backends()
    {
        var backends = await StartAsync(3);
        var channel = Dial(Target(backends), "round_robin");
        await WaitUntilAllServeAsync(channel, backends);
        var before = backends.Select(b => b.Calls).ToArray();
        for (int i = 0; i < 300; i++)
        {
            await Call(channel);
        }

        Assert.All(backends.Select((b, i) => b.Calls - before[i]), n => Assert.Equal(100, n));
    }

    [Fact]
    public async Task Round_robin_survives_a_killed_backend_and_uses_it_again_after_restart()
    {
        var backends = await StartAsync(3);
        int port = backends[1].Port;
        Load? load = null;
        long lostAt = long.MaxValue;
        var channel = Dial(Target(backends), "round_robin", t =>
        {
            if (t.Address == TransportAddress.Tcp("127.0.0.1", port) && t.From == S.Ready)
            {
                Interlocked.CompareExchange(ref lostAt, load?.Started ?? 0, long.MaxValue);
            }
        });
        await WaitUntilAllServeAsync(channel, backends);

        load = new Load(channel, callers: 4);
        await load.UntilAsync(() => load!.Succeeded > 200);
        await backends[1].KillAsync();
        long killedAt = load.Started;
        var loadRef = load;
        await load.UntilAsync(() => loadRef.Succeeded > loadRef.SucceededAt(killedAt) + 300);
        var afterKill = backends[1].Calls;
        await load.UntilAsync(() => loadRef.Succeeded > loadRef.SucceededAt(killedAt) + 600);
        Assert.Equal(afterKill, backends[1].Calls);

        var restarted = await EchoBackend.StartAsync("b1-again", port);
        _backends.Add(restarted);
        await load.UntilAsync(() => restarted.Calls > 10);
        await load.StopAsync();

        // Calls written to the killed connection before the channel saw it die fail UNAVAILABLE (gRPC never
        // replays a call the server may have seen); no call started after the channel saw the loss fails.
        output.WriteLine($"killed at call {killedAt}, loss seen at call {lostAt}, {load.Failures.Count} failed");
        Assert.All(load.Failures, f => Assert.True(f.StartedAt <= Interlocked.Read(ref lostAt), $"call {f.StartedAt} started after the loss was seen (at {lostAt}) failed: {f.Error.Message}"));
        load.Dispose();
    }

    [Fact]
    public async Task Graceful_shutdown_of_a_backend_fails_no_call()
    {
        var backends = await StartAsync(3);
        foreach (var b in backends)
        {
            b.Delay = TimeSpan.FromMilliseconds(20);
        }

        var channel = Dial(Target(backends), "round_robin");
        await WaitUntilAllServeAsync(channel, backends);
        using var load = new Load(channel, callers: 8);
        await load.UntilAsync(() => load.Succeeded > 100);
        await backends[0].StopGracefullyAsync();
        var stopped = load.Succeeded;
        await load.UntilAsync(() => load.Succeeded > stopped + 200);
        await load.StopAsync();
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task Pick_first_fails_over_to_the_next_backend()
    {
        var backends = await StartAsync(2);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = TransportAddress.Tcp("127.0.0.1", backends[0].Port);
        var channel = Dial(Target(backends), "pick_first", t =>
        {
            if (t.Address == first && t.From == S.Ready)
            {
                lost.TrySetResult();
            }
        });
        await channel.ConnectAsync().WaitAsync(Bound);
        Assert.Equal("b0", await Call(channel));
        await backends[0].KillAsync();

        // A call written to the dead connection before the client reads the reset fails; once the channel has
        // seen the loss, every call goes to the next backend.
        await lost.Task.WaitAsync(Bound);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("b1", await Call(channel, waitForReady: true));
        }
    }

    [Fact]
    public async Task Pick_first_moves_on_without_a_failed_call_when_its_backend_shuts_down_gracefully()
    {
        var backends = await StartAsync(2);
        backends[0].Delay = TimeSpan.FromMilliseconds(20);
        var channel = Dial(Target(backends), "pick_first");
        await channel.ConnectAsync().WaitAsync(Bound);
        using var load = new Load(channel, callers: 8);
        await load.UntilAsync(() => load.Succeeded > 100);
        await backends[0].StopGracefullyAsync();
        var stopped = load.Succeeded;
        await load.UntilAsync(() => load.Succeeded > stopped + 200 && backends[1].Calls > 100);
        await load.StopAsync();
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task A_dns_target_on_localhost_works()
    {
        var backends = await StartAsync(1);
        var channel = Dial($"dns:///localhost:{backends[0].Port}", "pick_first");
        Assert.Equal("b0", await Call(channel, waitForReady: true));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task A_unix_target_works()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorchannel-{Guid.NewGuid():N}.sock");
        try
        {
            var backend = await EchoBackend.StartAsync("uds", unixPath: path);
            _backends.Add(backend);
            var channel = Dial("unix:" + path, "pick_first");
            Assert.Equal("uds", await Call(channel, waitForReady: true));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<EchoBackend[]> StartAsync(int count)
    {
        var started = new EchoBackend[count];
        for (int i = 0; i < count; i++)
        {
            started[i] = await EchoBackend.StartAsync("b" + i);
            _backends.Add(started[i]);
        }

        return started;
    }

    private static string Target(IEnumerable<EchoBackend> backends) => "ipv4:" + string.Join(",", backends.Select(b => "127.0.0.1:" + b.Port));

    private GrpcChannel Dial(string target, string policy, Action<SubchannelTransition>? observer = null)
    {
        var channel = GrpcChannel.Dial(target, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
            Backoff = new BackoffOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500), MinConnectTimeout = TimeSpan.FromSeconds(5) },
            LoggerFactory = _logs,
            TransitionObserver = observer,
        });
        _channels.Add(channel);
        return channel;
    }

    private static Task<string> Call(GrpcChannel channel, bool waitForReady = false) =>
        channel.AsyncUnaryCall(Say, "hi", new CallOptions { WaitForReady = waitForReady, Deadline = DateTimeOffset.UtcNow + Bound }).ResponseAsync;

    private static async Task WaitUntilAllServeAsync(GrpcChannel channel, EchoBackend[] backends)
    {
        var seen = new HashSet<string>();
        var until = DateTime.UtcNow + Bound;
        while (seen.Count < backends.Length && DateTime.UtcNow < until)
        {
            seen.Add(await Call(channel, waitForReady: true));
        }

        Assert.Equal(backends.Length, seen.Count);
    }

    /// <summary>Callers making wait-for-ready calls back to back until stopped; every failure is kept.</summary>
    private sealed class Load : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _callers;
        private readonly ConcurrentQueue<(long StartedAt, Exception Error)> _failures = new();
        private readonly ConcurrentDictionary<long, long> _succeededAt = new();
        private long _started;
        private long _succeeded;

        public Load(GrpcChannel channel, int callers)
        {
            _callers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    long n = Interlocked.Increment(ref _started);
                    _succeededAt[n] = Succeeded;
                    try
                    {
                        await Call(channel, waitForReady: true);
                        Interlocked.Increment(ref _succeeded);
                    }
                    catch (Exception e)
                    {
                        _failures.Enqueue((n, e));
                    }
                }
            })).ToArray();
        }

        public long Started => Interlocked.Read(ref _started);

        public long Succeeded => Interlocked.Read(ref _succeeded);

        public IReadOnlyCollection<(long StartedAt, Exception Error)> Failures => _failures;

        public long SucceededAt(long started) => _succeededAt.TryGetValue(started, out var s) ? s : Succeeded;

        public async Task UntilAsync(Func<bool> condition)
        {
            var until = DateTime.UtcNow + Bound;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < until, "the load did not get there in time");
                Assert.True(_callers.All(c => !c.IsFaulted));
                await Task.Delay(10);
            }
        }

        public async Task StopAsync()
        {
            _stop.Cancel();
            await Task.WhenAll(_callers).WaitAsync(Bound);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
