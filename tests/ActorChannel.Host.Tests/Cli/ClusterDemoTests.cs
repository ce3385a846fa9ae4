using System.Globalization;
using System.Text.RegularExpressions;
using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

/// <summary>
/// The cluster demo end to end: real node processes on loopback joined over Akka.Remote; one killed with kill -9, one
/// leaving gracefully, one joining, all while the frontend calls through akka-cluster:///greeter. It runs alone: its
/// nodes' remoting warnings go to Serilog's global logger (Akka.Logger.Serilog), which a CLI test running beside it
/// may have made its own, and would land in that test's output.
/// </summary>
[Collection(ActorChannel.Host.Tests.Logging.SerilogGlobalLogger.Name)]
public sealed partial class ClusterDemoTests
{
    [Fact]
    public async Task Cluster_demo_follows_a_kill_a_leave_and_a_join_and_its_summary_adds_up()
    {
        var cli = new CapturedCli();
        var exit = await cli.RunAsync("cluster", "--duration", "24s", "--nodes", "3", "--rate", "40", "--output", "plain");

        var output = cli.Out.ToString();
        Assert.True(exit == 0, output + cli.Error);
        Assert.Empty(cli.Error.ToString());
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains("kill -9 of greeter-1", output, StringComparison.Ordinal);
        Assert.Contains("greeter-2 leaves gracefully", output, StringComparison.Ordinal);
        Assert.Contains("a new greeter, greeter-4, joins", output, StringComparison.Ordinal);

        var summary = SummaryLine().Match(output);
        Assert.True(summary.Success, output);
        long ok = long.Parse(summary.Groups["ok"].Value, CultureInfo.InvariantCulture);
        long failed = long.Parse(summary.Groups["failed"].Value, CultureInfo.InvariantCulture);
        Assert.True(ok > 400, $"only {ok} calls succeeded in 24 s at 40/s\n{output}");

        // Only calls in flight on the killed connection may fail; the graceful leave and the join fail none.
        Assert.True(failed <= 4, output);
        var backends = BackendLine().Matches(output);
        Assert.Equal(4, backends.Count);
        Assert.Equal(ok, backends.Sum(b => long.Parse(b.Groups["calls"].Value, CultureInfo.InvariantCulture)));
        Assert.Contains("greeter-4", backends.Single(b => b.Value.Contains("joined at", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        Assert.True(long.Parse(backends.Single(b => b.Value.Contains("greeter-4", StringComparison.Ordinal)).Groups["calls"].Value, CultureInfo.InvariantCulture) > 0, output);

        // The connection loss stops the traffic long before the failure detector would.
        var left = Regex.Match(output, @"kill -9 to its subchannel leaving READY \(the last call routed to it\): (?<ms>\d+) ms");
        Assert.True(left.Success, output);
        Assert.True(int.Parse(left.Groups["ms"].Value, CultureInfo.InvariantCulture) < 1000, output);
        Assert.Matches(@"MemberUp of the new greeter to its first call: \d+ ms", output);
    }

    [GeneratedRegex(@"summary: (?<calls>\d+) calls in [\d.]+ s: (?<ok>\d+) ok, (?<failed>\d+) failed")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^  greeter-\d+ +127\.0\.0\.1:\d+ +(?<calls>\d+) calls.*$", RegexOptions.Multiline)]
    private static partial Regex BackendLine();
}
