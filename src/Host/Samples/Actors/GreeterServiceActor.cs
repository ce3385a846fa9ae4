using ActorChannel.Client;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Clients;
using ActorChannel.Kernel;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Samples.Actors;

/// <summary>What the user's service actor understands: requests from outside, and what its channel tells it.</summary>
public abstract record GreeterServiceMessage
{
    /// <summary>Greet <paramref name="Name"/> through the channel; the reply (or the error) goes to <paramref name="ReplyTo"/>.</summary>
    public sealed record Greet(string Name, ReplyTo<string> ReplyTo) : GreeterServiceMessage;

    /// <summary>Sent by the channel (ManagedChannel.SubscribeState): its latest change at once, then every change, with the state before it.</summary>
    public sealed record ChannelStateChanged(ConnectivityState Previous, ConnectivityState State) : GreeterServiceMessage;

    /// <summary>Sent by the channel's transition observer (ManagedChannelOptions.TransitionObserver): each subchannel transition (address, from, to, reason).</summary>
    public sealed record SubchannelChanged(SubchannelTransition Transition) : GreeterServiceMessage;

    /// <summary>The states and subchannel transitions seen so far, in order, and the channel (so a caller can watch it stop with us).</summary>
    public sealed record GetStatus(ReplyTo<GreeterServiceStatus> ReplyTo) : GreeterServiceMessage;

    /// <summary>Stop the service; its channel (a child actor) stops with it.</summary>
    public sealed record Stop : GreeterServiceMessage;

    /// <summary>A call made by <see cref="Greet"/> finished (sent by the call's continuation to our own mailbox).</summary>
    internal sealed record GreetFinished(ReplyTo<string> ReplyTo, string? Reply, Exception? Error) : GreeterServiceMessage;
}

public sealed record GreeterServiceStatus(IReadOnlyList<ConnectivityState> StatesSeen, ManagedChannel Channel, int Answered)
{
    public IReadOnlyList<SubchannelTransition> TransitionsSeen { get; init; } = [];
}

/// <summary>
/// A small actor-based service that owns its gRPC channel: the channel actor is spawned as this actor's child
/// ("/user/greeter-service/channel"), so it stops when this actor stops; the channel's state changes arrive here as
/// <see cref="GreeterServiceMessage.ChannelStateChanged"/> messages, and each of its subchannels' transitions as
/// <see cref="GreeterServiceMessage.SubchannelChanged"/>. Calls never block the mailbox: their results come back as
/// messages too.
/// </summary>
public sealed class GreeterServiceActor(string target, ManagedChannelOptions channelOptions) : Actor<GreeterServiceMessage>
{
    private readonly List<ConnectivityState> _states = [];
    private readonly List<SubchannelTransition> _transitions = [];
    private ManagedChannel? _channel;
    private GreeterClient? _client;
    private int _answered;

    public static Props<GreeterServiceMessage> Props(string target, ManagedChannelOptions channelOptions) =>
        Props<GreeterServiceMessage>.Create(() => new GreeterServiceActor(target, channelOptions));

    protected override void PreStart()
    {
        // Transitions through the options' observer: it is in place before the channel starts, so the service also
        // sees the first connection attempt, which a SubscribeSubchannelTransitions made after Spawn can miss (the
        // channel starts connecting at once, on other threads). The state subscription replays the current state.
        var self = Context.Self;
        var observer = channelOptions.TransitionObserver;
        var options = channelOptions with
        {
            TransitionObserver = transition =>
            {
                observer?.Invoke(transition);
                self.Tell(new GreeterServiceMessage.SubchannelChanged(transition));
            },
        };
        _channel = ManagedChannel.Spawn(Context, target, options, "channel");
        _channel.SubscribeState(Context.Self, (previous, state) => new GreeterServiceMessage.ChannelStateChanged(previous, state));
        _client = new GreeterClient(_channel);
        Context.Log.LogInformation("Greeter service: channel {Channel} is my child; subscribed to its state and its subchannels' transitions", _channel.Actor.Path);
    }

    protected override void Receive(GreeterServiceMessage message)
    {
        switch (message)
        {
            case GreeterServiceMessage.Greet greet:
                var self = Context.Self;
                _client!.SayHelloAsync(greet.Name, new CallOptions { WaitForReady = true, Deadline = Context.System.TimeProvider.GetUtcNow().AddSeconds(10) })
                    .ContinueWith(
                        t => self.Tell(new GreeterServiceMessage.GreetFinished(greet.ReplyTo, t.IsCompletedSuccessfully ? t.Result : null, t.IsCanceled ? new OperationCanceledException("the call was cancelled") : t.Exception?.GetBaseException())),
                        CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                break;
            case GreeterServiceMessage.GreetFinished { Error: null } done:
                _answered++;
                done.ReplyTo.Reply(done.Reply!);
                break;
            case GreeterServiceMessage.GreetFinished failed:
                ReplyFailed(failed);
                break;
            case GreeterServiceMessage.ChannelStateChanged changed:
                _states.Add(changed.State);
                Context.Log.LogInformation("Greeter service: my channel went {Previous} -> {State}", changed.Previous.ToSpecName(), changed.State.ToSpecName());
                break;
            case GreeterServiceMessage.SubchannelChanged { Transition: var t }:
                _transitions.Add(t);
                Context.Log.LogInformation("Greeter service: subchannel {SubchannelId} {Address} went {From} -> {To} ({Reason})", t.SubchannelId, t.Address, t.From.ToSpecName(), t.To.ToSpecName(), t.Reason);
                break;
            case GreeterServiceMessage.GetStatus status:
                status.ReplyTo.Reply(new GreeterServiceStatus(_states.ToArray(), _channel!, _answered) { TransitionsSeen = _transitions.ToArray() });
                break;
            case GreeterServiceMessage.Stop:
                Context.StopSelf();
                break;
        }
    }

    private void ReplyFailed(GreeterServiceMessage.GreetFinished failed)
    {
        Context.Log.LogWarning("Greeter service: a call failed: {Error}", failed.Error!.Message);
        failed.ReplyTo.Fail(failed.Error);
    }
}
