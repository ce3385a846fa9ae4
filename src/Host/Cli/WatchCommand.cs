using Grpc.Core;
using System.CommandLine;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Logging;
using Akka.Actor;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// <c>watch</c>: dials and prints every channel and subchannel transition as it happens, until Ctrl-C.
/// Channel states arrive as <see cref="ChannelStateChanged"/> messages at a small actor (ManagedChannel.SubscribeState),
/// so none is coalesced; subchannel transitions come from the channel's transition observer.
/// </summary>
public static class WatchCommand
{
    private static readonly TimeSpan LastLinesGrace = TimeSpan.FromSeconds(5);

    public static Command Create(CliIo io)
    {
        var target = CliOptions.Target();
        var policy = CliOptions.Policy("pick_first");
        var command = new Command("watch", "Dial and print every channel and subchannel state transition until Ctrl-C") { target, policy };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => RunAsync(io, parse.GetRequiredValue(target), parse.GetRequiredValue(policy), ct)));
        return command;
    }

    public static async Task<int> RunAsync(CliIo io, string target, string policy, CancellationToken ct)
    {
        using var logs = io.CreateLoggerFactory(io.LogLevel == LogEventLevel.Information ? LogEventLevel.Warning : io.LogLevel);
        await using var akka = HostActorSystem.Start("watch");
        var shutdownSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var printer = akka.System.ActorOf(Props.Create(() => new StatePrinter(io.Out, shutdownSeen)), "printer");
        await using (var channel = ChannelDialer.Dial(new DialSettings(target, policy, logs) { System = akka.System, TransitionObserver = t => Print(io.Out, t) }))
        {
            io.Out.WriteLine($"{Now()} watching {target} ({policy}); Ctrl-C to stop");
            channel.SubscribeState(printer);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C ends the watch; closing the channel shows its last transitions.
            }
        }

        // The printer's mailbox may still hold the channel's last change (to SHUTDOWN).
        await shutdownSeen.Task.WaitAsync(LastLinesGrace, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return 0;
    }

    private static void Print(TextWriter output, SubchannelTransition t) =>
        output.WriteLine($"{Now()} subchannel {t.SubchannelId} {t.Address}: {t.From.ToSpecName()} -> {t.To.ToSpecName()} ({t.Reason})");

    private static string Now() => TimeProvider.System.GetLocalNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private sealed class StatePrinter : ReceiveActor
    {
        private bool _first = true;

        public StatePrinter(TextWriter output, TaskCompletionSource shutdownSeen)
        {
            Receive<ChannelStateChanged>(changed =>
            {
                output.WriteLine(_first
                    ? $"{Now()} channel: {changed.Current.ToSpecName()}"
                    : $"{Now()} channel: {changed.Previous.ToSpecName()} -> {changed.Current.ToSpecName()}");
                _first = false;
                if (changed.Current == ConnectivityState.Shutdown)
                {
                    shutdownSeen.TrySetResult();
                }
            });
        }
    }
}
