using ActorChannel.Host.Cli;
using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class BenchTests
{
    [Fact]
    public async Task A_short_bench_prints_progress_then_one_json_line_with_every_figure()
    {
        await using var a = await Backends.StartOursAsync("a");
        await using var b = await Backends.StartOursAsync("b");
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("bench", "--target", $"ipv4:{a.Address},{b.Address}", "-c", "4", "-d", "2500ms", "--warmup", "500ms");

        Assert.True(exit == 0, cli.Error.ToString());
        Assert.Contains(cli.ErrorLines, l => l.StartsWith("bench:", StringComparison.Ordinal) && l.Contains("calls/s", StringComparison.Ordinal));
        var report = BenchReport.FromJson(Assert.Single(cli.OutLines));
        Assert.Equal(4, report.Concurrency);
        Assert.Equal("round_robin", report.Policy);
        Assert.True(report.Calls > 0);
        Assert.Equal(0, report.Errors);
        Assert.True(report.Qps > 0);
        Assert.True(report.P50Us > 0 && report.P50Us <= report.P90Us && report.P90Us <= report.P99Us, $"{report.P50Us} {report.P90Us} {report.P99Us}");
        Assert.Equal(0.5, report.WarmupS);
        Assert.Equal(new[] { a.Address, b.Address }.Order(StringComparer.Ordinal), report.Backends.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(report.Calls, report.Backends.Values.Sum());
    }

    [Fact]
    public void The_json_line_has_the_documented_names()
    {
        var json = new BenchReport("t", "round_robin", 1, 1, 10, 10, 1, 1, 2, 3, 0, new Dictionary<string, long> { ["127.0.0.1:1"] = 10 }).ToJson();

        foreach (var name in new[] { "\"qps\"", "\"warmup_s\"", "\"p50_us\"", "\"p90_us\"", "\"p99_us\"", "\"errors\"", "\"backends\"", "\"calls\"" })
        {
            Assert.Contains(name, json, StringComparison.Ordinal);
        }

        Assert.DoesNotContain('\n', json);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        long[] ticks = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000];

        Assert.Equal(5000.0, BenchReport.Percentile(ticks, 50, 1_000_000));
        Assert.Equal(9000.0, BenchReport.Percentile(ticks, 90, 1_000_000));
        Assert.Equal(10000.0, BenchReport.Percentile(ticks, 99, 1_000_000));
        Assert.Equal(0.0, BenchReport.Percentile([], 50, 1_000_000));
    }

    [Fact]
    public async Task A_target_nobody_answers_ends_with_one_line()
    {
        var cli = new CapturedCli();

        var exit = await CliApp.RunAsync(["bench", "--target", $"127.0.0.1:{Backends.ClosedPort()}", "-d", "1s", "--connect-timeout", "1s"], cli.Io, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exit);
        Assert.Contains("could not connect", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }
}
