using ActorChannel.Host.Demo;
using Grpc.Core;
using Spectre.Console;
using Xunit;

namespace ActorChannel.Host.Tests.Demo;

public sealed class LiveTableViewTests
{
    [Fact]
    public void The_table_shows_each_subchannel_the_channel_state_and_the_latest_log_lines()
    {
        var snapshot = new DemoSnapshot(
            TimeSpan.FromSeconds(7.5),
            ConnectivityState.Ready,
            Ok: 300,
            Failed: 1,
            [
                new SubchannelRow("backend-1", "127.0.0.1:5001", 1, ConnectivityState.Ready, 150, "CONNECTING -> READY: connected", TimeSpan.FromSeconds(0.2), true),
                new SubchannelRow("backend-2", "127.0.0.1:5002", 2, ConnectivityState.TransientFailure, 50, "CONNECTING -> TRANSIENT_FAILURE: refused", TimeSpan.FromSeconds(7.1), false),
            ],
            ["  6.0s ! Demo: killing backend-2"]);
        using var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;

        console.Write(LiveTableView.Render(snapshot, "ipv4:127.0.0.1:5001,127.0.0.1:5002", new DemoOptions(), new LiveTableView.RateTracker()));

        var output = text.ToString();
        Assert.Contains("channel READY", output, StringComparison.Ordinal);
        Assert.Contains("300 ok", output, StringComparison.Ordinal);
        Assert.Contains("1 failed", output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5002", output, StringComparison.Ordinal);
        Assert.Contains("TRANSIENT_FAILURE", output, StringComparison.Ordinal);
        Assert.Contains("backend-2 (down)", output, StringComparison.Ordinal);
        Assert.Contains("Demo: killing backend-2", output, StringComparison.Ordinal);
        Assert.Contains("7.5 / 20 s", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rates_are_calls_per_second_over_the_last_second()
    {
        var rates = new LiveTableView.RateTracker();

        rates.Rate("a", 0, TimeSpan.FromSeconds(1));
        rates.Rate("a", 10, TimeSpan.FromSeconds(1.5));
        var rate = rates.Rate("a", 20, TimeSpan.FromSeconds(2));

        Assert.Equal(20, rate, 3);
    }
}
