using ActorChannel.Protos.HelloWorld;
using Grpc.Core;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Host.Cli;
using ActorChannel.Host.Demo;
using ActorChannel.Host.Logging;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.ClusterDemo;

/// <summary>
/// The second demo: this process is the cluster's seed and frontend; N greeter nodes run as child processes. The
/// frontend's actor dials akka-cluster:///greeter and calls; the script kills one greeter (kill -9), lets another leave
/// gracefully, and starts a new one; the table shows the subchannels with each member's cluster status.
/// </summary>
public static class ClusterDemoRunner
{
    public static async Task<ClusterDemoSummary> RunAsync(DemoOptions options, bool tunedFailureDetector, CliIo io, CancellationToken ct)
    {
        options.Validate();
        if (options.Backends < 2)
        {
            throw new ArgumentException($"The cluster demo needs at least 2 greeter nodes (one is killed, one leaves), not {options.Backends}.");
        }

        var time = TimeProvider.System;
        var live = options.Output == DemoOutput.Table || (options.Output == DemoOutput.Auto && io.IsTerminal);
        DemoScoreboard? board = null;
        using var logs = live
            ? HostLogging.CreateFactory(new LogTarget { Feed = (e, line) => DemoRunner.Feed(board, e, line), MinimumLevel = io.LogLevel })
            : io.CreateLoggerFactory();
        var log = logs.CreateLogger("ActorChannel.ClusterDemo");

        var seedPort = ClusterNode.FreePort();
        var seed = ClusterConfig.SeedAddress(seedPort);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterConfig.SystemName, b => b
            .Node(seedPort, ["frontend"], seed, tunedFailureDetector)
            .AddHocon(HostActorSystem.SerilogConfig, HoconAddMode.Append));
        using var frontendHost = builder.Build();
        await frontendHost.StartAsync(ct).ConfigureAwait(false);
        var system = frontendHost.Services.GetRequiredService<ActorSystem>();

        var nodes = new List<NodeProcess>();
        try
        {
            nodes.AddRange(await Task.WhenAll(Enumerable.Range(1, options.Backends).Select(i => NodeProcess.StartAsync($"greeter-{i}", seed, tunedFailureDetector, ct))).ConfigureAwait(false));
            board = new DemoScoreboard(nodes.Select(n => n.Name).ToArray(), nodes.Select(n => n.Endpoint).ToArray(), time);
            log.LogInformation("Cluster demo: seed {Seed}, {Count} greeter nodes joined; the frontend dials akka-cluster:///greeter", seed, nodes.Count);

            var seenAt = new ConcurrentDictionary<(string Endpoint, string Status), long>();
            var channelOptions = new ManagedChannelOptions
            {
                Credentials = ChannelCredentials.Insecure,
                DefaultServiceConfig = ChannelDialer.ServiceConfigFor(options.Policy),
                TransportFactory = new AttributingTransportFactory(HttpClientTransportFactory.Instance, board.Tally),
                TransitionObserver = board.OnTransition,
                Backoff = options.Backoff,
                LoggerFactory = logs,
            };
            var frontend = system.ActorOf(FrontendActor.Props(channelOptions, board, seenAt), "frontend");
            var channel = await frontend.Ask<ManagedChannel>(FrontendActor.GetChannel.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var script = new ClusterScript(nodes, board, seenAt, seed, tunedFailureDetector, log);
            var traffic = DemoRunner.TrafficAsync(new Greeter.GreeterClient(channel), board, options, time, stop.Token);
            var states = DemoRunner.WatchStateAsync(channel, board, stop.Token);
            var scripted = script.RunAsync(options.Duration, stop.Token);
            var view = live
                ? LiveTableView.RunAsync(board, channel.Target, options, stop.Token)
                : DemoRunner.PlainStatusAsync(board, options, log, time, stop.Token);
            try
            {
                await Task.Delay(options.Duration, time, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: finish early, still with a summary.
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(traffic, states, scripted, view).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);

            var final = board.Snapshot();
            var demo = new DemoSummary(
                final.Elapsed, final.Ok, final.Failed,
                final.Rows.Select(r => new BackendSummary(r.Backend, r.Address, r.Calls, script.Notes.GetValueOrDefault(r.Address))).ToArray(),
                board.LastError);
            return new ClusterDemoSummary(demo, script.Figures(board, seenAt), tunedFailureDetector);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            await frontendHost.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>How the cluster demo went: the first demo's summary, plus how fast the channel followed the cluster.</summary>
public sealed record ClusterDemoSummary(DemoSummary Demo, IReadOnlyList<string> Figures, bool TunedFailureDetector)
{
    public IEnumerable<string> Lines() =>
        Demo.Lines().Concat(Figures.Select(f => "  " + f)).Append(
            TunedFailureDetector
                ? "  (failure detector tuned: heartbeat 250 ms, acceptable pause 1 s; --default-failure-detector for Akka's defaults)"
                : "  (Akka's default failure detector: heartbeat 1 s, acceptable pause 3 s)");
}

/// <summary>
/// The script: kill -9 the first greeter; once the cluster has removed it, let the second leave gracefully; then start
/// a new one. Leaving and joining wait for the removal because a cluster with an unreachable member does not
/// converge, and without convergence no member finishes leaving and none that joins comes Up.
/// </summary>
internal sealed class ClusterScript(List<NodeProcess> nodes, DemoScoreboard board, ConcurrentDictionary<(string Endpoint, string Status), long> seenAt, string seed, bool tuned, ILogger log)
{
    private long _killedAt;
    private string? _killed;
    private string? _joined;

    public ConcurrentDictionary<string, string> Notes { get; } = new(StringComparer.Ordinal);

    public async Task RunAsync(TimeSpan duration, CancellationToken stop)
    {
        try
        {
            await Task.Delay(duration * 0.2, stop).ConfigureAwait(false);
            var victim = nodes[0];
            log.LogWarning("Cluster demo: kill -9 of {Node} ({Endpoint}): its connection drops at once; the failure detector marks it unreachable later", victim.Name, victim.Endpoint);
            _killedAt = Stopwatch.GetTimestamp();
            _killed = victim.Endpoint;
            victim.Kill();
            board.OnBackendUp(victim.Endpoint, false);
            Notes[victim.Endpoint] = At("killed with kill -9 at");

            using (var removal = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
            {
                while (!seenAt.ContainsKey((victim.Endpoint, "Removed")) && await removal.WaitForNextTickAsync(stop).ConfigureAwait(false))
                {
                }
            }

            await Task.Delay(duration * 0.05, stop).ConfigureAwait(false);
            var leaving = nodes[1];
            log.LogWarning("Cluster demo: {Node} leaves gracefully (CoordinatedShutdown), then its server sends GOAWAY", leaving.Name);
            Notes[leaving.Endpoint] = At("left gracefully at");
            await leaving.LeaveAsync(stop).ConfigureAwait(false);
            board.OnBackendUp(leaving.Endpoint, false);

            await Task.Delay(duration * 0.05, stop).ConfigureAwait(false);
            var name = $"greeter-{nodes.Count + 1}";
            log.LogWarning("Cluster demo: a new greeter, {Node}, joins", name);
            var joined = await NodeProcess.StartAsync(name, seed, tuned, stop).ConfigureAwait(false);
            nodes.Add(joined);
            _joined = joined.Endpoint;
            board.AddBackend(joined.Name, joined.Endpoint);
            Notes[joined.Endpoint] = At("joined at");
        }
        catch (OperationCanceledException)
        {
            // the run ended before the script did
        }
    }

    public IReadOnlyList<string> Figures(DemoScoreboard board, ConcurrentDictionary<(string Endpoint, string Status), long> seenAt)
    {
        var figures = new List<string>();
        if (_killed is not null)
        {
            figures.Add(Since("kill -9 to its subchannel leaving READY (the last call routed to it)", _killedAt, board.LeftReadyAt.TryGetValue(_killed, out var left) ? left : null));
            figures.Add(board.Tally.LastAt(_killed) is { } last && last > _killedAt
                ? Since("kill -9 to the last call it answered", _killedAt, last)
                : "kill -9 to the last call it answered: none after the kill");
            figures.Add(Since("kill -9 to the member unreachable (failure detector)", _killedAt, seenAt.TryGetValue((_killed, "Unreachable"), out var unreachable) ? unreachable : null));
            figures.Add(Since("kill -9 to the member removed", _killedAt, seenAt.TryGetValue((_killed, "Removed"), out var removed) ? removed : null));
        }

        if (_joined is not null && seenAt.TryGetValue((_joined, "Up"), out var up))
        {
            figures.Add(Since("MemberUp of the new greeter to its first call", up, board.Tally.FirstAt(_joined)));
        }

        return figures;
    }

    private static string Since(string what, long from, long? to) =>
        to is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{what}: {Stopwatch.GetElapsedTime(from, t).TotalMilliseconds:0} ms")
            : what + ": not within the run";

    private string At(string what) => string.Create(CultureInfo.InvariantCulture, $"{what} {board.Elapsed.TotalSeconds:0.0} s");
}
