using ActorChannel.Host.Logging;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace ActorChannel.Host.Cli;

/// <summary>
/// Where a command writes: the process console, or writers a test hands in (then nothing touches the real
/// console). <see cref="IsTerminal"/> decides between the live table and plain lines.
/// </summary>
public sealed class CliIo
{
    private CliIo(TextWriter output, TextWriter error, bool isConsole, bool isTerminal)
    {
        Out = TextWriter.Synchronized(output);
        Error = TextWriter.Synchronized(error);
        IsConsole = isConsole;
        IsTerminal = isTerminal;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when writing to the process's own console.</summary>
    public bool IsConsole { get; }

    /// <summary>True when the output is an interactive terminal (not redirected, not CI).</summary>
    public bool IsTerminal { get; }

    /// <summary>Log level for commands that log; --verbose lowers it.</summary>
    public LogEventLevel LogLevel { get; set; } = LogEventLevel.Information;

    public static CliIo Console() => new(System.Console.Out, System.Console.Error, isConsole: true, isTerminal: DetectTerminal());

    public static CliIo Capture(TextWriter output, TextWriter error) => new(output, error, isConsole: false, isTerminal: false);

    /// <summary>Serilog behind Microsoft.Extensions.Logging, writing where this command writes.</summary>
    public ILoggerFactory CreateLoggerFactory(LogEventLevel? minimum = null) =>
        HostLogging.CreateFactory(new LogTarget { Writer = IsConsole ? null : Out, MinimumLevel = minimum ?? LogLevel });

    private static bool DetectTerminal()
    {
        if (System.Console.IsOutputRedirected || string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal))
        {
            return false;
        }

        // The usual markers CI services set; their logs are files, where a redrawn table is noise.
        foreach (var name in new[] { "CI", "GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TEAMCITY_VERSION" })
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                return false;
            }
        }

        return true;
    }
}
