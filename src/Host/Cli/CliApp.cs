using System.CommandLine;
using System.CommandLine.Invocation;
using ActorChannel.Host.Demo;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// The command line: the bare command runs the demo on its defaults; greet, serve, bench, watch, demo and sample
/// are subcommands. Every failure the user can cause ends with one line on stderr and a non-zero exit code.
/// </summary>
public static class CliApp
{
    public const string Name = "actorchannel";

    /// <summary>The process entry point: the real console, Ctrl-C cancels.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliIo.Console(), CancellationToken.None);

    /// <summary>In-process entry point (tests): output goes to <paramref name="io"/>, <paramref name="ct"/> stands for Ctrl-C.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliIo io, CancellationToken ct)
    {
        var root = BuildRoot(io);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            var path = command == root ? Name : $"{Name} {command.Name}";
            io.Error.WriteLine($"error: {parse.Errors[0].Message} (see '{path} --help')");
            return 2;
        }

        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (!io.IsConsole)
        {
            // In process (tests): no Ctrl-C hook on the host process; the caller's token cancels.
            configuration.ProcessTerminationTimeout = null;
        }

        return await parse.InvokeAsync(configuration, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a command body; whatever it throws becomes one line on stderr and an exit code.</summary>
    public static async Task<int> Guard(CliIo io, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            io.Error.WriteLine("error: " + CliErrors.Describe(e));
            return CliErrors.ExitCodeOf(e);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    public static RootCommand BuildRoot(CliIo io)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log debug lines too", Recursive = true };
        var root = new RootCommand("ActorChannel: a gRPC client channel whose resolver, balancer and subchannels are actors. Without a command: the demo.")
        {
            verbose,
            DemoCommand.Create(io),
            GreetCommand.Create(io),
            ServeCommand.Create(io),
            BenchCommand.Create(io),
            WatchCommand.Create(io),
            SampleCommand.Create(io),
        };
        root.SetAction((parse, ct) =>
        {
            ApplyVerbosity(io, parse.GetValue(verbose));
            return Guard(io, () => DemoCommand.RunAsync(io, new DemoOptions(), ct));
        });
        foreach (var command in root.Subcommands)
        {
            ApplyVerbosityFirst(command, verbose, io);
        }

        return root;
    }

    /// <summary>--verbose works after any command: each action first sets the log level.</summary>
    private static void ApplyVerbosityFirst(Command command, Option<bool> verbose, CliIo io)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.SetAction((parse, ct) =>
            {
                ApplyVerbosity(io, parse.GetValue(verbose));
                return action.InvokeAsync(parse, ct);
            });
        }

        foreach (var sub in command.Subcommands)
        {
            ApplyVerbosityFirst(sub, verbose, io);
        }
    }

    private static void ApplyVerbosity(CliIo io, bool verbose)
    {
        if (verbose)
        {
            io.LogLevel = LogEventLevel.Debug;
        }
    }
}
