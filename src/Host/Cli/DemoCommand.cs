using System.CommandLine;
using ActorChannel.Host.Demo;

namespace ActorChannel.Host.Cli;

/// <summary><c>demo</c> (and the bare command): the three-backend round_robin demo with one backend killed and restarted.</summary>
public static class DemoCommand
{
    public static Command Create(CliIo io)
    {
        var defaults = new DemoOptions();
        var duration = CliOptions.Duration("--duration", "-d", defaults.Duration, "How long the demo runs");
        var backends = CliOptions.Positive("--backends", null, defaults.Backends, "How many Greeter backends to start");
        var rate = CliOptions.Positive("--rate", null, (int)defaults.CallsPerSecond, "Calls started per second");
        var policy = CliOptions.Policy(defaults.Policy);
        var output = new Option<string>("--output") { Description = "auto (the table on a terminal, plain lines elsewhere), table or plain", DefaultValueFactory = _ => "auto" };
        output.AcceptOnlyFromAmong("auto", "table", "plain");
        var command = new Command("demo", "Three in-process Greeter backends, one round_robin channel, one backend killed and restarted; a live table")
        {
            duration, backends, rate, policy, output,
        };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => RunAsync(io, defaults with
        {
            Duration = parse.GetValue(duration),
            Backends = parse.GetValue(backends),
            CallsPerSecond = parse.GetValue(rate),
            Policy = parse.GetRequiredValue(policy),
            Output = Enum.Parse<DemoOutput>(parse.GetRequiredValue(output), ignoreCase: true),
        }, ct)));
        return command;
    }

    public static async Task<int> RunAsync(CliIo io, DemoOptions options, CancellationToken ct)
    {
        var summary = await DemoRunner.RunAsync(options, io, ct).ConfigureAwait(false);
        foreach (var line in summary.Lines())
        {
            io.Out.WriteLine(line);
        }

        // A demo in which nothing got through is broken, whatever else happened.
        return summary.Ok > 0 ? 0 : 1;
    }
}
