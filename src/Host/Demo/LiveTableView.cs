using Grpc.Core;
using System.Globalization;
using ActorChannel.Client.Connectivity;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorChannel.Host.Demo;

/// <summary>The demo on a terminal: a table redrawn four times a second, with the latest log lines under it.</summary>
public static class LiveTableView
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    public static async Task RunAsync(DemoScoreboard board, string target, DemoOptions options, CancellationToken stop)
    {
        var rates = new RateTracker();
        await AnsiConsole.Live(Render(board.Snapshot(), target, options, rates))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async ctx =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(Refresh, TimeProvider.System, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    ctx.UpdateTarget(Render(board.Snapshot(), target, options, rates));
                }

                ctx.UpdateTarget(Render(board.Snapshot(), target, options, rates));
            }).ConfigureAwait(false);
    }

    public static IRenderable Render(DemoSnapshot s, string target, DemoOptions options, RateTracker rates)
    {
        var header = new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[bold]ActorChannel demo[/]  {Markup.Escape(target)}  [grey]{options.Policy}, {options.CallsPerSecond:0} calls/s, wait-for-ready[/]  [bold]{s.Elapsed.TotalSeconds:0.0}[/] / {options.Duration.TotalSeconds:0} s"));
        var channel = new Markup(string.Create(CultureInfo.InvariantCulture,
            $"channel {Styled(s.ChannelState)}   calls [green]{s.Ok} ok[/]  {(s.Failed == 0 ? "[grey]0 failed[/]" : $"[red]{s.Failed} failed[/]")}"));

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("subchannel");
        table.AddColumn("backend");
        table.AddColumn("address");
        table.AddColumn("state");
        table.AddColumn(new TableColumn("calls served").RightAligned());
        table.AddColumn(new TableColumn("calls/s").RightAligned());
        table.AddColumn("last transition");
        var cluster = s.Rows.Any(r => r.Member.Length > 0);
        if (cluster)
        {
            table.AddColumn("cluster member");
        }

        foreach (var row in s.Rows)
        {
            var rate = rates.Rate(row.Address, row.Calls, s.Elapsed);
            var cells = new List<IRenderable>
            {
                new Markup(row.SubchannelId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "-"),
                new Markup(Markup.Escape(row.Backend) + (row.BackendUp ? "" : " [red](down)[/]")),
                new Markup(Markup.Escape(row.Address)),
                new Markup(Styled(row.State)),
                new Markup(row.Calls.ToString(CultureInfo.InvariantCulture)),
                new Markup(rate.ToString("0", CultureInfo.InvariantCulture)),
                new Markup(row.LastTransitionAt is { } at
                    ? string.Create(CultureInfo.InvariantCulture, $"[grey]{at.TotalSeconds:0.0}s[/] {Markup.Escape(TransitionText(row.LastTransition))}")
                    : "-"),
            };
            if (cluster)
            {
                cells.Add(new Markup(Markup.Escape(row.Member.Length > 0 ? row.Member : "-")));
            }

            table.AddRow(cells);
        }

        var events = s.RecentEvents.Count == 0
            ? new Markup("[grey]no events yet[/]")
            : new Markup(string.Join('\n', s.RecentEvents.Select(e => e.Contains("! ", StringComparison.Ordinal) ? $"[yellow]{Markup.Escape(Shorten(e, 140))}[/]" : $"[grey]{Markup.Escape(Shorten(e, 140))}[/]")));
        return new Rows(header, channel, table, new Panel(events).Header("recent log lines").Border(BoxBorder.Rounded).Expand());
    }

    private static string Styled(ConnectivityState state) => state switch
    {
        ConnectivityState.Ready => "[green bold]READY[/]",
        ConnectivityState.Connecting => "[yellow]CONNECTING[/]",
        ConnectivityState.TransientFailure => "[red bold]TRANSIENT_FAILURE[/]",
        ConnectivityState.Idle => "[blue]IDLE[/]",
        _ => "[grey]" + state.ToSpecName() + "[/]",
    };

    /// <summary>"FROM -> TO" on the first line, the reason under it; a long reason loses its middle, keeping "retrying in …".</summary>
    private static string TransitionText(string transition)
    {
        var colon = transition.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0)
        {
            return transition;
        }

        const int max = 56;
        var reason = transition[(colon + 2)..];
        if (reason.Length > max)
        {
            var tail = reason.LastIndexOf("; ", StringComparison.Ordinal) is var i and > 0 && reason.Length - i < max / 2 ? reason[i..] : "";
            reason = reason[..(max - tail.Length - 1)] + "…" + tail;
        }

        return transition[..colon] + "\n" + reason;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Calls per second of each backend over the last second or so, from successive snapshots.</summary>
    public sealed class RateTracker
    {
        private readonly Dictionary<string, Queue<(TimeSpan At, long Calls)>> _history = new(StringComparer.Ordinal);

        public double Rate(string address, long calls, TimeSpan at)
        {
            if (!_history.TryGetValue(address, out var samples))
            {
                _history[address] = samples = new Queue<(TimeSpan, long)>();
            }

            samples.Enqueue((at, calls));
            while (samples.Count > 2 && at - samples.Peek().At > TimeSpan.FromSeconds(1))
            {
                samples.Dequeue();
            }

            var (firstAt, firstCalls) = samples.Peek();
            var span = (at - firstAt).TotalSeconds;
            return span <= 0 ? 0 : (calls - firstCalls) / span;
        }
    }
}
