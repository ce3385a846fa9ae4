using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace ActorChannel.Host.Logging;

/// <summary>Serilog lines into any TextWriter (tests capture the CLI's output this way); one line at a time.</summary>
public sealed class TextWriterSink(TextWriter writer) : ILogEventSink
{
    private readonly MessageTemplateTextFormatter _formatter = new(HostLogging.Template, CultureInfo.InvariantCulture);

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter(CultureInfo.InvariantCulture);
        _formatter.Format(logEvent, line);
        lock (writer)
        {
            writer.Write(line.ToString());
            writer.Flush();
        }
    }
}
