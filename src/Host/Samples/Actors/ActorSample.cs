using Grpc.Core;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Logging;
using ActorChannel.Transport;
using Akka.Actor;
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
        await using var akka = HostActorSystem.Start("sample");
        var channelOptions = new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = """{"loadBalancingConfig":[{"round_robin":{}}]}""",
            LoggerFactory = logs,
        };
        var service = akka.System.ActorOf(GreeterServiceActor.Props(target, channelOptions), "greeter-service");
        var timeout = TimeSpan.FromSeconds(15);
        var replies = new List<string>();
        for (var i = 1; i <= greetings; i++)
        {
            replies.Add(await service.Ask<string>(new GreeterServiceMessage.Greet($"actor {i}"), timeout, ct).ConfigureAwait(false));
        }

        var status = await service.Ask<GreeterServiceStatus>(GreeterServiceMessage.GetStatus.Instance, timeout, ct).ConfigureAwait(false);

        // Stopping the service stops its child, the channel, which goes SHUTDOWN without anyone disposing it.
        service.Tell(PoisonPill.Instance);
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

        return new ActorSampleResult(replies, status.StatesSeen, channel.Actor.Path.ToStringWithoutAddress(), state) { TransitionsSeen = status.TransitionsSeen };
    }
}
