using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using ActorChannel.Host.Demo;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// The command line: the bare command runs the demo on its defaults; greet, serve, bench, watch, demo and sample
/// are subcommands. Every failure the user can cause ends with one line on stderr and a non-zero exit code.
/// </summary>
public static class CliApp
{
    /// <summary>The process entry point: the real console; the first Ctrl-C (or SIGTERM) cancels, a second one kills.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // First signal: let the command wind down (servers drain, channels close, the demo prints its summary).
            context.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return await RunAsync(args, CliIo.Console(), interrupted.Token).ConfigureAwait(false);
    }

    /// <summary>In-process entry point (tests): output goes to <paramref name="io"/>, <paramref name="ct"/> stands for Ctrl-C.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliIo io, CancellationToken ct)
    {
        var root = BuildRoot(io);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            var help = command == root ? "--help" : $"{command.Name} --help";
            io.Error.WriteLine($"error: {parse.Errors[0].Message.ReplaceLineEndings(" ")} (see '{help}')");
            return 2;
        }

        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,

            // Signals are handled by the caller (RunAsync(string[]) above), which turns them into ct.
            ProcessTerminationTimeout = null,
        };

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
            ClusterCommand.Create(io),
            ClusterCommand.CreateNode(io),
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
