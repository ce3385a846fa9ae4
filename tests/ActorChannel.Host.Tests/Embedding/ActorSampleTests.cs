using ActorChannel.Host.Samples.Actors;
using ActorChannel.Host.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorChannel.Host.Tests.Embedding;

public sealed class ActorSampleTests
{
    [Fact]
    public async Task The_channel_is_the_service_actor_s_child_reports_states_as_messages_and_stops_with_it()
    {
        await using var server = await Backends.StartOursAsync("backend");

        var result = await ActorSample.RunAsync(server.Address, 3, NullLoggerFactory.Instance, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["Hello actor 1 from backend", "Hello actor 2 from backend", "Hello actor 3 from backend"], result.Replies);
        Assert.Equal("/user/greeter-service/channel", result.ChannelPath);
        Assert.Contains(ConnectivityState.Ready, result.StatesSeen);

        // The subchannel's transitions reached the service actor as its own messages, naming the backend's address.
        Assert.Contains(result.TransitionsSeen, t => t.Address.ToString() == server.Address && (t.From, t.To) == (ConnectivityState.Connecting, ConnectivityState.Ready));
        Assert.All(result.TransitionsSeen, t => Assert.False(string.IsNullOrEmpty(t.Reason)));
        Assert.Equal(ConnectivityState.Shutdown, result.ChannelStateAfterStop);
    }

    [Fact]
    public async Task The_sample_actors_command_prints_replies_states_and_the_shutdown()
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("sample", "actors", "-n", "2").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, cli.Error.ToString());
        Assert.Equal(2, cli.OutLines.Count(l => l.StartsWith("reply: Hello actor", StringComparison.Ordinal)));
        Assert.Contains(cli.OutLines, l => l.StartsWith("states received as messages:", StringComparison.Ordinal) && l.Contains("READY", StringComparison.Ordinal));
        Assert.Contains("after stopping its parent, /user/greeter-service/channel is SHUTDOWN", cli.OutLines);
    }
}
