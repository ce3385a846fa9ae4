using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace ActorChannel.Host.Logging;

/// <summary>Where log lines go: the real console (coloured when it is a terminal), a writer, or a callback.</summary>
public sealed record LogTarget
{
    /// <summary>Null writes to the process console through Serilog's console sink.</summary>
    public TextWriter? Writer { get; init; }

    /// <summary>When set, every rendered line goes here instead (the demo's live table shows them).</summary>
    public Action<LogEvent, string>? Feed { get; init; }

    public LogEventLevel MinimumLevel { get; init; } = LogEventLevel.Information;
}

/// <summary>
/// Serilog as the Microsoft.Extensions.Logging provider for everything the host runs: the channel's actors,
/// the Greeter server, Kestrel. One compact line per event: time, level, the rendered message.
/// </summary>
public static class HostLogging
{
    public const string Template = "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}";

    /// <summary>The shared settings: level, and the frameworks' chatter kept to warnings.</summary>
    public static LoggerConfiguration Defaults(this LoggerConfiguration configuration, LogEventLevel minimum) => configuration
        .MinimumLevel.Is(minimum)
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("System", LogEventLevel.Warning)

        // Akka.Remote reports every node that goes away with a stack trace (as an error, and inside a warning that
        // the address is gated), even one the cluster demo killed on purpose; the cluster's own lines (unreachable,
        // removed) already say what happened.
        .Filter.ByExcluding(IsRemotingDisassociation)
        .Enrich.FromLogContext();

    private static bool IsRemotingDisassociation(LogEvent e) =>
        e.Level >= LogEventLevel.Warning
        && (e.Exception?.GetType().FullName == "Akka.Remote.EndpointDisassociatedException"
        || e.MessageTemplate.Text.Contains("EndpointDisassociatedException", StringComparison.Ordinal)
        || e.Properties.Values.Any(v => v.ToString().Contains("EndpointDisassociatedException", StringComparison.Ordinal)));

    public static Serilog.ILogger CreateSerilog(LogTarget target)
    {
        var configuration = new LoggerConfiguration().Defaults(target.MinimumLevel);
        if (target.Feed is { } feed)
        {
            configuration.WriteTo.Sink(new FeedSink(feed));
        }
        else if (target.Writer is { } writer)
        {
            configuration.WriteTo.Sink(new TextWriterSink(writer));
        }
        else
        {
            configuration.WriteTo.Console(
                outputTemplate: Template,
                theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Code,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return configuration.CreateLogger();
    }

    /// <summary>
    /// An ILoggerFactory backed by Serilog; disposing it flushes and closes the Serilog logger. The logger also becomes
    /// Serilog's global one, which Akka.Logger.Serilog writes Akka's own log events to (one command runs per process),
    /// until the factory is disposed.
    /// </summary>
    public static ILoggerFactory CreateFactory(LogTarget target)
    {
        var logger = CreateSerilog(target);
        Log.Logger = logger;
        return new GlobalSerilogFactory(logger);
    }

    /// <summary>
    /// Disposing it also removes its logger as the global one (when it still is), so that Akka events logged later
    /// are dropped instead of going into a closed logger and the writer of a command that has finished.
    /// </summary>
    private sealed class GlobalSerilogFactory(Serilog.ILogger logger) : ILoggerFactory
    {
        private readonly SerilogLoggerFactory _inner = new(logger, dispose: true);

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => _inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

        public void Dispose()
        {
            if (ReferenceEquals(Log.Logger, logger))
            {
                Log.Logger = Logger.None;
            }

            _inner.Dispose();
        }
    }

    private sealed class FeedSink(Action<LogEvent, string> feed) : ILogEventSink
    {
        // ":lj" renders strings without the quotes RenderMessage would add.
        private readonly Serilog.Formatting.Display.MessageTemplateTextFormatter _message = new("{Message:lj}", System.Globalization.CultureInfo.InvariantCulture);

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            _message.Format(logEvent, text);
            feed(logEvent, text.ToString());
        }
    }
}
