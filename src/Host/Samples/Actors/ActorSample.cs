using ActorChannel.Client;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Kernel;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Samples.Actors;

/// <summary>
/// What the actor sample saw: replies, the channel states and subchannel transitions its actor received as messages,
/// and how the channel ended.
/// </summary>
public sealed record ActorSampleResult(IReadOnlyList<string> Replies, IReadOnlyList<ConnectivityState> StatesSeen, string ChannelPath, ConnectivityState ChannelStateAfterStop)
{
    public IReadOnlyList<SubchannelTransition> TransitionsSeen { get; init; } = [];
}

/// <summary>
/// Runs <see cref="GreeterServiceActor"/> in an actor system: a few greetings, then the service actor is stopped
/// and the channel, its child, stops with it (SHUTDOWN) without anyone disposing it.
/// </summary>
public static class ActorSample
{
    public static async Task<ActorSampleResult> RunAsync(string target, int greetings, ILoggerFactory logs, CancellationToken ct)
    {
        await using var system = ActorSystem.Create("sample", new ActorSystemOptions { LoggerFactory = logs });
        var channelOptions = new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = """{"loadBalancingConfig":[{"round_robin":{}}]}""",
            LoggerFactory = logs,
        };
        var service = system.Spawn(GreeterServiceActor.Props(target, channelOptions), "greeter-service");
        var timeout = TimeSpan.FromSeconds(15);
        var replies = new List<string>();
        for (var i = 1; i <= greetings; i++)
        {
            replies.Add(await service.Ask<string>(r => new GreeterServiceMessage.Greet($"actor {i}", r), timeout, ct).ConfigureAwait(false));
        }

        var status = await service.Ask<GreeterServiceStatus>(r => new GreeterServiceMessage.GetStatus(r), timeout, ct).ConfigureAwait(false);
        service.Tell(new GreeterServiceMessage.Stop());
        var channel = status.Channel;
        var state = channel.State;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(timeout);
            while (state != ConnectivityState.Shutdown)
            {
                state = await channel.WaitForStateChangeAsync(state, wait.Token).ConfigureAwait(false);
            }
        }

        return new ActorSampleResult(replies, status.StatesSeen, channel.Actor.Path, state) { TransitionsSeen = status.TransitionsSeen };
    }
}
