using ActorChannel.Protos.HelloWorld;
using Grpc.Core;
using ActorChannel.Host.Logging;
using System.CommandLine;
using ActorChannel.Transport;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary><c>greet</c>: the classic Greeter client. Dials, calls SayHello N times, prints each reply and the backend that answered.</summary>
public static class GreetCommand
{
    public static Command Create(CliIo io)
    {
        var target = CliOptions.Target();
        var name = new Option<string>("--name") { Description = "The name to greet", DefaultValueFactory = _ => "world" };
        var policy = CliOptions.Policy("pick_first");
        var count = CliOptions.Positive("--count", "-n", 1, "How many calls to make");
        var timeout = CliOptions.Duration("--timeout", null, TimeSpan.FromSeconds(10), "Deadline of each call");
        var command = new Command("greet", "Call helloworld.Greeter/SayHello and print each reply and which backend answered")
        {
            target, name, policy, count, timeout,
        };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => RunAsync(
            io, parse.GetRequiredValue(target), parse.GetRequiredValue(name), parse.GetRequiredValue(policy), parse.GetValue(count), parse.GetValue(timeout), ct)));
        return command;
    }

    public static async Task<int> RunAsync(CliIo io, string target, string name, string policy, int count, TimeSpan timeout, CancellationToken ct)
    {
        using var logs = io.CreateLoggerFactory(io.LogLevel == LogEventLevel.Information ? LogEventLevel.Warning : io.LogLevel);
        var tally = new BackendTally();
        await using var akka = HostActorSystem.Start("greet");
        await using var channel = ChannelDialer.Dial(new DialSettings(target, policy, logs) { Tally = tally, System = akka.System });
        var client = new Greeter.GreeterClient(channel);
        var failed = 0;
        for (var i = 1; i <= count; i++)
        {
            var before = tally.Snapshot();
            try
            {
                var reply = (await client.SayHelloAsync(new HelloRequest { Name = name }, new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: ct)).ConfigureAwait(false)).Message;
                var backend = tally.Snapshot().FirstOrDefault(p => p.Value != before.GetValueOrDefault(p.Key)).Key ?? "?";
                io.Out.WriteLine($"{reply}    [{backend}]");
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                failed++;
                io.Error.WriteLine($"greet: call {i} failed: {CliErrors.Describe(e)}");
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
