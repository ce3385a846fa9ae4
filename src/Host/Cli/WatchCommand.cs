using System.CommandLine;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Kernel;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// <c>watch</c>: dials and prints every channel and subchannel transition as it happens, until Ctrl-C.
/// Channel states arrive as messages at a small actor (ManagedChannel.SubscribeState), so none is coalesced;
/// subchannel transitions come from the channel's transition observer.
/// </summary>
public static class WatchCommand
{
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
        await using var system = ActorSystem.Create("watch", new ActorSystemOptions { LoggerFactory = logs });
        var printer = system.Spawn(Props<ConnectivityState>.Create(() => new StatePrinter(io.Out)), "printer");
        await using (var channel = ChannelDialer.Dial(new DialSettings(target, policy, logs) { System = system, TransitionObserver = t => Print(io.Out, t) }))
        {
            io.Out.WriteLine($"{Now()} watching {target} ({policy}); Ctrl-C to stop");
            channel.SubscribeState(printer, state => state);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C ends the watch; closing the channel shows its last transitions.
            }
        }

        await system.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    private static void Print(TextWriter output, SubchannelTransition t) =>
        output.WriteLine($"{Now()} subchannel {t.SubchannelId} {t.Address}: {t.From.ToSpecName()} -> {t.To.ToSpecName()} ({t.Reason})");

    private static string Now() => TimeProvider.System.GetLocalNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private sealed class StatePrinter(TextWriter output) : Actor<ConnectivityState>
    {
        private ConnectivityState? _last;

        protected override void Receive(ConnectivityState message)
        {
            output.WriteLine(_last is { } last
                ? $"{Now()} channel: {last.ToSpecName()} -> {message.ToSpecName()}"
                : $"{Now()} channel: {message.ToSpecName()}");
            _last = message;
        }
    }
}
