using ActorChannel.Host.Cli;
using ActorChannel.Host.Logging;
using ActorChannel.Host.Tests.Infrastructure;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using Serilog.Events;
using Xunit;

namespace ActorChannel.Host.Tests.Logging;

[Collection(SerilogGlobalLogger.Name)]
public sealed class HostLoggingTests
{
    [Fact]
    public async Task Channel_transitions_reach_serilog_as_structured_events()
    {
        await using var server = await Backends.StartOursAsync();
        var events = new System.Collections.Concurrent.ConcurrentQueue<LogEvent>();
        using (var logs = HostLogging.CreateFactory(new LogTarget { Feed = (e, _) => events.Enqueue(e) }))
        {
            await using var channel = ChannelDialer.Dial(new DialSettings(server.Address, "pick_first", logs));
            await new Greeter.GreeterClient(channel).GreetAsync("log");
        }

        var ready = Assert.Single(events, e => e.Properties.TryGetValue("To", out var to) && to.ToString() == "\"READY\"" && e.Properties.ContainsKey("SubchannelId"));
        Assert.Equal($"\"{server.Address}\"", ready.Properties["Address"].ToString());
        Assert.Equal("\"CONNECTING\"", ready.Properties["From"].ToString());
        Assert.True(ready.Properties.ContainsKey("ChannelId"));
        Assert.True(ready.Properties.ContainsKey("Reason"));
    }

    [Fact]
    public void Lines_are_compact_time_level_message()
    {
        var writer = new StringWriter();
        using (var logs = HostLogging.CreateFactory(new LogTarget { Writer = writer }))
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logs.CreateLogger("x"), "Subchannel {Id} is {State}", 3, "READY");
        }

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d INF Subchannel 3 is READY\r?\n$", writer.ToString());
    }

    [Fact]
    public void Framework_chatter_below_warning_is_dropped()
    {
        var writer = new StringWriter();
        using (var logs = HostLogging.CreateFactory(new LogTarget { Writer = writer }))
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logs.CreateLogger("Microsoft.AspNetCore.Server.Kestrel"), "chatter");
        }

        Assert.Empty(writer.ToString());
    }
}
