using ActorChannel.Host.Samples.Worker;
using ActorChannel.Host.Tests.Infrastructure;
using ActorChannel.Hosting;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorChannel.Host.Tests.Embedding;

public sealed class WorkerSampleTests
{
    [Fact]
    public async Task The_worker_calls_through_di_logs_through_serilog_and_the_channel_closes_with_the_host()
    {
        await using var server = await Backends.StartOursAsync("backend");
        var log = new SignallingWriter();
        using var host = WorkerSample.Build(
            new Dictionary<string, string?>
            {
                ["ActorChannel:Greeter:Target"] = server.Address,
                ["Worker:Name"] = "test",
                ["Worker:Calls"] = "3",
                ["Worker:Interval"] = "00:00:00.010",
            },
            log);

        await host.StartAsync();
        var channel = host.Services.GetRequiredService<IGrpcChannelProvider>().GetChannel("greeter");
        await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, host.Services.GetRequiredService<GreeterWorker>().Succeeded);
        var text = log.ToString();
        Assert.Contains("Worker: call 3: Hello test from backend", text, StringComparison.Ordinal);
        Assert.Contains($"{server.Address}: CONNECTING -> READY", text, StringComparison.Ordinal);
        Assert.Contains(" INF ", text, StringComparison.Ordinal);
        Assert.Equal(ConnectivityState.Shutdown, channel.State);
    }

    [Fact]
    public async Task The_sample_worker_command_runs_against_a_backend_of_its_own()
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("sample", "worker", "-n", "2").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, cli.Out + cli.Error.ToString());
        Assert.Contains("worker sample: 2 of 2 calls answered; channel closed with the host", cli.OutLines);
    }
}
