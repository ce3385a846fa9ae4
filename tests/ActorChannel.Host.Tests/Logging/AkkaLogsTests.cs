using ActorChannel.Host.Logging;
using ActorChannel.Host.Tests.Infrastructure;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Logger.Serilog;
using LogEvent = Serilog.Events.LogEvent;
using LogEventLevel = Serilog.Events.LogEventLevel;
using Xunit;

namespace ActorChannel.Host.Tests.Logging;

/// <summary>Akka's own log events (actors' ILoggingAdapter, the system's) reach the Host's Serilog logger.</summary>
[Collection(SerilogGlobalLogger.Name)]
public sealed class AkkaLogsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_Host_actor_system_s_events_reach_the_serilog_sink_HostLogging_made()
    {
        var marker = Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource<(LogEvent Event, string Text)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var logs = HostLogging.CreateFactory(new LogTarget { Feed = (e, text) => Match(seen, marker, e, text) });
        await using var akka = HostActorSystem.Start("logging");

        var actor = akka.System.ActorOf(Props.Create(() => new Chatty()), "chatty");
        actor.Tell(marker);

        var (logged, line) = await seen.Task.WaitAsync(Patience);
        Assert.Equal(LogEventLevel.Warning, logged.Level);
        Assert.Equal($"chatty says {marker}", line);
        Assert.Contains("akka://logging/user/chatty", logged.Properties["LogSource"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hosted_system_with_AddSerilogLogging_writes_to_Serilog_s_global_logger()
    {
        var marker = Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource<(LogEvent Event, string Text)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var logs = HostLogging.CreateFactory(new LogTarget { Feed = (e, text) => Match(seen, marker, e, text) });
        await using var host = await StartedHost.StartAsync(services => services.AddAkka("hosted", b => b.ConfigureLoggers(l =>
        {
            l.ClearLoggers();
            l.AddSerilogLogging();
        })));

        // With AddSerilogLogging the adapter takes Serilog templates: {Marker} becomes a property.
        Akka.Event.Logging.GetLogger(host.Get<ActorSystem>(), "probe").Info("hosted {Marker}", marker);

        var (logged, line) = await seen.Task.WaitAsync(Patience);
        Assert.Equal(LogEventLevel.Information, logged.Level);
        Assert.Equal($"hosted {marker}", line);
        Assert.Equal($"\"{marker}\"", logged.Properties["Marker"].ToString());
    }

    [Fact]
    public void Disposing_the_factory_takes_its_logger_down_as_the_global_one()
    {
        var writer = new StringWriter();
        var logs = HostLogging.CreateFactory(new LogTarget { Writer = writer });
        Serilog.Log.Logger.Warning("while the command runs");

        logs.Dispose();
        Serilog.Log.Logger.Warning("after it has finished");

        Assert.Same(Serilog.Core.Logger.None, Serilog.Log.Logger);
        Assert.Contains("while the command runs", writer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("after it has finished", writer.ToString(), StringComparison.Ordinal);
    }

    private static void Match(TaskCompletionSource<(LogEvent, string)> seen, string marker, LogEvent e, string text)
    {
        if (text.Contains(marker, StringComparison.Ordinal))
        {
            seen.TrySetResult((e, text));
        }
    }

    /// <summary>Logs what it is told through its ILoggingAdapter, as the Host's actors do.</summary>
    private sealed class Chatty : ReceiveActor
    {
        public Chatty()
        {
            var log = Context.GetLogger();
            Receive<string>(text => log.Warning("chatty says {0}", text));
        }
    }
}
