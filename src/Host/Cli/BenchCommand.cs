using Grpc.Core;
using ActorChannel.Host.Logging;
using System.CommandLine;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Transport;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// <c>bench</c>: a closed-loop unary benchmark through one channel. Each of the concurrent callers starts its next
/// SayHello as soon as the previous one ends. Progress lines go to stderr, the final JSON line to stdout.
/// </summary>
public static class BenchCommand
{
    public sealed record BenchSettings(string Target, int Concurrency, TimeSpan Duration, string Policy)
    {
        /// <summary>Calls made before timing starts (JIT, connection windows, the thread pool's growth); not counted.</summary>
        public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

        public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

        public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
    }

    public static Command Create(CliIo io)
    {
        var target = CliOptions.Target();
        var concurrency = CliOptions.Positive("--concurrency", "-c", 16, "Callers, each with one call in flight");
        var duration = CliOptions.Duration("--duration", "-d", TimeSpan.FromSeconds(10), "How long to run");
        var policy = CliOptions.Policy("round_robin");
        var connectTimeout = CliOptions.Duration("--connect-timeout", null, TimeSpan.FromSeconds(10), "How long to wait for READY before giving up");
        var warmup = CliOptions.Duration("--warmup", null, TimeSpan.FromSeconds(1), "Calls before timing starts, not counted (0s for none)");
        var command = new Command("bench", "Closed-loop unary benchmark; ends with one JSON line (qps, p50_us, p90_us, p99_us, errors, per-backend counts)")
        {
            target, concurrency, duration, policy, connectTimeout, warmup,
        };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => RunAsync(
            io,
            new BenchSettings(parse.GetRequiredValue(target), parse.GetValue(concurrency), parse.GetValue(duration), parse.GetRequiredValue(policy)) { ConnectTimeout = parse.GetValue(connectTimeout), Warmup = parse.GetValue(warmup) },
            ct)));
        return command;
    }

    public static async Task<int> RunAsync(CliIo io, BenchSettings settings, CancellationToken ct)
    {
        if (settings.Duration <= TimeSpan.Zero)
        {
            throw new CliUsageException("--duration must be longer than zero.");
        }

        using var logs = io.CreateLoggerFactory(io.LogLevel == LogEventLevel.Information ? LogEventLevel.Warning : io.LogLevel);
        var tally = new BackendTally();
        await using var akka = HostActorSystem.Start("bench");
        await using var channel = ChannelDialer.Dial(new DialSettings(settings.Target, settings.Policy, logs) { Tally = tally, System = akka.System });
        await ConnectAsync(channel, settings, ct).ConfigureAwait(false);

        var time = TimeProvider.System;
        var client = new Greeter.GreeterClient(channel);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var warmupEnd = time.GetTimestamp() + (long)(settings.Warmup.TotalSeconds * time.TimestampFrequency);
        IReadOnlyDictionary<string, long> warmedUp = new Dictionary<string, long>();
        long started = 0;

        // Timing starts once every caller's warm-up calls have ended, so none of them is timed or counted.
        var timed = new WarmupBarrier(settings.Concurrency, () =>
        {
            warmedUp = tally.Snapshot();
            started = time.GetTimestamp();
            stop.CancelAfter(settings.Duration);
        });
        var callers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(() => CallerAsync(client, time, warmupEnd, timed, stop.Token), CancellationToken.None)).ToArray();
        await timed.Released.ConfigureAwait(false);
        var progress = ProgressAsync(io, callers.Length, settings.ProgressInterval, time, started, tally, stop.Token);
        var results = await Task.WhenAll(callers).ConfigureAwait(false);
        var elapsed = time.GetElapsedTime(started);
        await progress.ConfigureAwait(false);

        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        var errors = results.Sum(r => r.Errors);
        var frequency = time.TimestampFrequency;
        var report = new BenchReport(
            settings.Target, settings.Policy, settings.Concurrency, Math.Round(elapsed.TotalSeconds, 3), latencies.Length,
            Math.Round(latencies.Length / elapsed.TotalSeconds, 1), settings.Warmup.TotalSeconds,
            BenchReport.Percentile(latencies, 50, frequency), BenchReport.Percentile(latencies, 90, frequency), BenchReport.Percentile(latencies, 99, frequency),
            errors, tally.Snapshot().ToDictionary(p => p.Key, p => p.Value - warmedUp.GetValueOrDefault(p.Key)));
        io.Out.WriteLine(report.ToJson());
        return 0;
    }

    private static async Task ConnectAsync(ManagedChannel channel, BenchSettings settings, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(settings.ConnectTimeout);
        try
        {
            await channel.ConnectAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliUsageException(
                $"could not connect to {settings.Target} within {settings.ConnectTimeout.TotalSeconds:0.#} s (channel {channel.State.ToSpecName()})", 1);
        }
    }

    private sealed record CallerResult(List<long> Latencies, long Errors);

    private static async Task<CallerResult> CallerAsync(Greeter.GreeterClient client, TimeProvider time, long warmupEnd, WarmupBarrier timed, CancellationToken stop)
    {
        var request = new HelloRequest { Name = "bench" };
        while (!stop.IsCancellationRequested && time.GetTimestamp() < warmupEnd)
        {
            try
            {
                using var call = client.SayHelloAsync(request, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));
                await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // a warm-up call: not counted
            }
        }

        await timed.ArriveAsync().ConfigureAwait(false);
        var latencies = new List<long>(4096);
        long errors = 0;
        while (!stop.IsCancellationRequested)
        {
            var start = time.GetTimestamp();
            try
            {
                using var call = client.SayHelloAsync(request, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));
                await call.ResponseAsync.ConfigureAwait(false);
                latencies.Add(time.GetTimestamp() - start);
            }
            catch (RpcException)
            {
                errors++;
            }
        }

        return new CallerResult(latencies, errors);
    }

    /// <summary>Releases every caller together once the last has arrived, after running the start of the timed phase.</summary>
    private sealed class WarmupBarrier(int callers, Action onRelease)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting = callers;

        public Task Released => _released.Task;

        public Task ArriveAsync()
        {
            if (Interlocked.Decrement(ref _waiting) == 0)
            {
                onRelease();
                _released.SetResult();
            }

            return _released.Task;
        }
    }

    private static async Task ProgressAsync(CliIo io, int callers, TimeSpan interval, TimeProvider time, long started, BackendTally tally, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, time);
        long last = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var total = tally.Snapshot().Values.Sum();
                var seconds = time.GetElapsedTime(started).TotalSeconds;
                io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {seconds,5:0.0} s  {total,9:N0} calls  {(total - last) / interval.TotalSeconds,8:N0} calls/s  ({callers} callers)"));
                last = total;
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }
}
