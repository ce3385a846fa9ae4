using System.CommandLine;
using ActorChannel.Host.Samples.Actors;
using ActorChannel.Host.Samples.Worker;
using ActorChannel.Host.Server;
using Microsoft.Extensions.Hosting;

namespace ActorChannel.Host.Cli;

/// <summary>
/// <c>sample worker</c> and <c>sample actors</c>: the two embedding samples, run briefly. Without --target each
/// starts a Greeter backend of its own on a loopback ephemeral port.
/// </summary>
public static class SampleCommand
{
    public static Command Create(CliIo io)
    {
        var sample = new Command("sample", "Run an embedding sample: a worker service using AddActorChannel, or an actor-based service owning its channel");
        sample.Add(Make(io, "worker", "A .NET worker service: AddActorChannel from configuration, a typed Greeter.GreeterClient from DI, Serilog", RunWorkerAsync));
        sample.Add(Make(io, "actors", "An actor-based service: the channel is its child actor and its state changes arrive as messages", RunActorsAsync));
        return sample;
    }

    private static Command Make(CliIo io, string name, string description, Func<CliIo, string, int, CancellationToken, Task<int>> run)
    {
        var target = new Option<string?>("--target", "-t") { Description = "Greeter target; default: a backend started in process" };
        var count = CliOptions.Positive("--count", "-n", 3, "How many calls to make");
        var command = new Command(name, description) { target, count };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => WithTargetAsync(io, parse.GetValue(target), ct, t => run(io, t, parse.GetValue(count), ct))));
        return command;
    }

    private static async Task<int> WithTargetAsync(CliIo io, string? target, CancellationToken ct, Func<string, Task<int>> run)
    {
        if (target is not null)
        {
            return await run(target).ConfigureAwait(false);
        }

        using var logs = io.CreateLoggerFactory();
        var server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "sample-backend", LoggerFactory = logs }, ct).ConfigureAwait(false);
        try
        {
            return await run(server.Address).ConfigureAwait(false);
        }
        finally
        {
            await server.StopGracefullyAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public static async Task<int> RunWorkerAsync(CliIo io, string target, int count, CancellationToken ct)
    {
        using var host = WorkerSample.Build(
            new Dictionary<string, string?> { ["ActorChannel:Greeter:Target"] = target, ["Worker:Calls"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Worker:Interval"] = "00:00:00.200" },
            io.IsConsole ? null : io.Out);
        await host.StartAsync(ct).ConfigureAwait(false);
        var worker = host.Services.GetService(typeof(GreeterWorker)) as GreeterWorker;
        await host.WaitForShutdownAsync(ct).ConfigureAwait(false);
        io.Out.WriteLine($"worker sample: {worker?.Succeeded ?? 0} of {count} calls answered; channel closed with the host");
        return worker?.Succeeded == count ? 0 : 1;
    }

    public static async Task<int> RunActorsAsync(CliIo io, string target, int count, CancellationToken ct)
    {
        using var logs = io.CreateLoggerFactory();
        var result = await ActorSample.RunAsync(target, count, logs, ct).ConfigureAwait(false);
        foreach (var reply in result.Replies)
        {
            io.Out.WriteLine("reply: " + reply);
        }

        io.Out.WriteLine($"states received as messages: {string.Join(", ", result.StatesSeen.Select(s => Client.Connectivity.ConnectivityTransitions.ToSpecName(s)))}");
        io.Out.WriteLine($"after stopping its parent, {result.ChannelPath} is {Client.Connectivity.ConnectivityTransitions.ToSpecName(result.ChannelStateAfterStop)}");
        return 0;
    }
}
