using Grpc.Core;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Cli;
using ActorChannel.Host.Logging;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace ActorChannel.Host.Demo;

/// <summary>
/// The main job: three in-process Greeter backends, one round_robin channel over them, a steady call rate,
/// one backend killed midway and restarted later; a live table on a terminal, plain log lines elsewhere.
/// </summary>
public static class DemoRunner
{
    public static async Task<DemoSummary> RunAsync(DemoOptions options, CliIo io, CancellationToken ct)
    {
        options.Validate();
        var time = TimeProvider.System;
        var live = options.Output == DemoOutput.Table || (options.Output == DemoOutput.Auto && io.IsTerminal);
        DemoScoreboard? board = null;
        using var logs = live
            ? HostLogging.CreateFactory(new LogTarget { Feed = (e, line) => Feed(board, e, line), MinimumLevel = io.LogLevel })
            : io.CreateLoggerFactory();
        var log = logs.CreateLogger("ActorChannel.Demo");

        await using var backends = await DemoBackends.StartAsync(options.Backends, logs, ct).ConfigureAwait(false);
        board = new DemoScoreboard(backends.Names, backends.Addresses, time);
        log.LogInformation("Demo: {Count} Greeter backends on {Target}, {Policy}, {Rate} calls/s for {Seconds} s", options.Backends, backends.Target, options.Policy, options.CallsPerSecond, options.Duration.TotalSeconds);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var akka = HostActorSystem.Start("demo");
        var channel = ChannelDialer.Dial(new DialSettings(backends.Target, options.Policy, logs)
        {
            System = akka.System,
            Tally = board.Tally,
            TransitionObserver = board.OnTransition,
            Backoff = options.Backoff,
        });
        var notes = new string?[options.Backends];
        try
        {
            var traffic = TrafficAsync(new Greeter.GreeterClient(channel), board, options, time, stop.Token);
            var states = WatchStateAsync(channel, board, stop.Token);
            var script = ScriptAsync(backends, board, options, notes, log, time, stop.Token);
            var view = live
                ? LiveTableView.RunAsync(board, backends.Target, options, stop.Token)
                : PlainStatusAsync(board, options, log, time, stop.Token);
            try
            {
                await Task.Delay(options.Duration, time, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: finish early, still with a summary.
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(traffic, states, script, view).ConfigureAwait(false);
        }
        finally
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        var final = board.Snapshot();
        return new DemoSummary(
            final.Elapsed, final.Ok, final.Failed,
            final.Rows.Select((r, i) => new BackendSummary(r.Backend, r.Address, r.Calls, notes[i])).ToArray(),
            board.LastError);
    }

    /// <summary>Which backend the demo kills: the middle one, so the table shows traffic moving to both sides.</summary>
    public static int VictimIndex(int backends) => backends / 2;

    internal static async Task TrafficAsync(Greeter.GreeterClient client, DemoScoreboard board, DemoOptions options, TimeProvider time, CancellationToken stop)
    {
        var pending = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.CallsPerSecond), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                pending.Add(CallAsync(client, board, options, time));
                if (pending.Count > 256)
                {
                    pending.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over; let the calls in flight finish
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private static async Task CallAsync(Greeter.GreeterClient client, DemoScoreboard board, DemoOptions options, TimeProvider time)
    {
        try
        {
            // Wait-for-ready: while a backend is down the picker skips it, so no call should fail.
            using var call = client.SayHelloAsync(new HelloRequest { Name = "demo" }, new CallOptions(deadline: (time.GetUtcNow() + options.CallTimeout).UtcDateTime).WithWaitForReady(true));
            await call.ResponseAsync.ConfigureAwait(false);
            board.CallSucceeded();
        }
        catch (RpcException e)
        {
            board.CallFailed(CliErrors.Describe(e));
        }
    }

    internal static async Task WatchStateAsync(ManagedChannel channel, DemoScoreboard board, CancellationToken stop)
    {
        var state = channel.State;
        board.OnChannelState(state);
        try
        {
            while (state != ConnectivityState.Shutdown)
            {
                state = await channel.WaitForStateChangeAsync(state, stop).ConfigureAwait(false);
                board.OnChannelState(state);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    private static async Task ScriptAsync(DemoBackends backends, DemoScoreboard board, DemoOptions options, string?[] notes, ILogger log, TimeProvider time, CancellationToken stop)
    {
        var victim = VictimIndex(options.Backends);
        var name = backends.Names[victim];
        var address = backends.Addresses[victim];
        try
        {
            await Task.Delay(options.Duration * options.KillAt, time, stop).ConfigureAwait(false);
            // The kill is the point of the demo only if the victim carries traffic: on a slow start (a loaded CI machine,
            // a short run) it may not have connected yet, so the kill waits for its first READY, but not past halfway
            // to the restart (pick_first never connects it at all).
            var grace = options.Duration * ((options.KillAt + options.RestartAt) / 2) - board.Elapsed;
            if (grace > TimeSpan.Zero)
            {
                await Task.WhenAny(board.FirstReady(address), Task.Delay(grace, time, stop)).ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
            }

            log.LogWarning("Demo: killing {Backend} ({Address}): its connections drop at once, no GOAWAY", name, address);
            await backends.KillAsync(victim).ConfigureAwait(false);
            board.OnBackendUp(address, false);
            notes[victim] = string.Create(CultureInfo.InvariantCulture, $"killed at {board.Elapsed.TotalSeconds:0.0} s");

            // At the planned time, however late the kill was.
            var untilRestart = options.Duration * options.RestartAt - board.Elapsed;
            if (untilRestart > TimeSpan.Zero)
            {
                await Task.Delay(untilRestart, time, stop).ConfigureAwait(false);
            }

            log.LogWarning("Demo: restarting {Backend} on {Address}", name, address);
            try
            {
                await backends.RestartAsync(victim, stop).ConfigureAwait(false);
                board.OnBackendUp(address, true);
                notes[victim] += string.Create(CultureInfo.InvariantCulture, $", restarted at {board.Elapsed.TotalSeconds:0.0} s");
            }
            catch (IOException e)
            {
                log.LogWarning("Demo: could not restart {Backend}: {Error}", name, e.Message);
                notes[victim] += ", could not restart: " + e.Message;
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended before the script did
        }
    }

    internal static async Task PlainStatusAsync(DemoScoreboard board, DemoOptions options, ILogger log, TimeProvider time, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.StatusInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var s = board.Snapshot();
                var rows = string.Join(" | ", s.Rows.Select(r => $"{r.Backend} {r.State.ToSpecName()} {r.Calls}{(r.BackendUp ? "" : " (down)")}"));
                log.LogInformation("Demo: {Elapsed} s, channel {State} | {Rows} | ok {Ok} failed {Failed}", Math.Round(s.Elapsed.TotalSeconds, 1), s.ChannelState.ToSpecName(), rows, s.Ok, s.Failed);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    internal static void Feed(DemoScoreboard? board, LogEvent e, string line)
    {
        if (board is not null)
        {
            board.AddEvent(EventLine(board, e, line));
        }
    }

    private static string EventLine(DemoScoreboard board, LogEvent e, string line) =>
        string.Create(CultureInfo.InvariantCulture, $"{board.Elapsed.TotalSeconds,5:0.0}s {(e.Level >= LogEventLevel.Warning ? "! " : "")}{line}");
}
