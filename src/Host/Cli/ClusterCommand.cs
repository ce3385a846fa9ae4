using System.CommandLine;
using ActorChannel.Host.ClusterDemo;
using ActorChannel.Host.Demo;

namespace ActorChannel.Host.Cli;

/// <summary><c>cluster</c>: the second demo, an Akka.NET cluster whose frontend calls its greeter members; and its node command.</summary>
public static class ClusterCommand
{
    public static Command Create(CliIo io)
    {
        var defaults = new DemoOptions { Duration = TimeSpan.FromSeconds(30) };
        var duration = CliOptions.Duration("--duration", "-d", defaults.Duration, "How long the demo runs");
        var nodes = CliOptions.Positive("--nodes", null, defaults.Backends, "How many greeter nodes to start (processes)");
        var rate = CliOptions.Positive("--rate", null, (int)defaults.CallsPerSecond, "Calls started per second");
        var output = new Option<string>("--output") { Description = "auto (the table on a terminal, plain lines elsewhere), table or plain", DefaultValueFactory = _ => "auto" };
        output.AcceptOnlyFromAmong("auto", "table", "plain");
        var defaultDetector = new Option<bool>("--default-failure-detector") { Description = "Akka's default failure detector (heartbeat 1 s, pause 3 s) instead of the demo's tuned one" };
        var command = new Command("cluster", "An Akka.NET cluster on loopback: greeter nodes (processes) found through akka-cluster:///greeter; one killed, one leaving, one joining")
        {
            duration, nodes, rate, output, defaultDetector,
        };
        command.SetAction((parse, ct) => CliApp.Guard(io, async () =>
        {
            var options = defaults with
            {
                Duration = parse.GetValue(duration),
                Backends = parse.GetValue(nodes),
                CallsPerSecond = parse.GetValue(rate),
                Output = Enum.Parse<DemoOutput>(parse.GetRequiredValue(output), ignoreCase: true),
            };
            var summary = await ClusterDemoRunner.RunAsync(options, !parse.GetValue(defaultDetector), io, ct).ConfigureAwait(false);
            foreach (var line in summary.Lines())
            {
                io.Out.WriteLine(line);
            }

            return summary.Demo.Ok > 0 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>The greeter node the cluster demo starts as a child process (hidden: not for people).</summary>
    public static Command CreateNode(CliIo io)
    {
        var name = new Option<string>("--name") { Required = true };
        var seed = new Option<string>("--seed") { Required = true };
        var defaultDetector = new Option<bool>("--default-failure-detector");
        var command = new Command("cluster-node", "A greeter node of the cluster demo") { name, seed, defaultDetector };
        command.Hidden = true;
        command.SetAction((parse, ct) => CliApp.Guard(io, async () =>
        {
            using var logs = io.CreateLoggerFactory(Serilog.Events.LogEventLevel.Warning);
            return await ClusterNode.RunAsync(Console.In, io.Out, parse.GetRequiredValue(name), parse.GetRequiredValue(seed), !parse.GetValue(defaultDetector), logs, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
