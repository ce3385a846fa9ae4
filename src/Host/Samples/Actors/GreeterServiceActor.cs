using ActorChannel.Protos.HelloWorld;
using Grpc.Core;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.Event;

namespace ActorChannel.Host.Samples.Actors;

/// <summary>What the user's service actor understands: requests from outside, and what its channel tells it.</summary>
public abstract record GreeterServiceMessage
{
    private GreeterServiceMessage()
    {
    }

    /// <summary>Greet <paramref name="Name"/> through the channel; the reply (or a Status.Failure) goes to the sender (Ask).</summary>
    public sealed record Greet(string Name) : GreeterServiceMessage;

    /// <summary>Sent by the channel's transition observer (ManagedChannelOptions.TransitionObserver): each subchannel transition.</summary>
    public sealed record SubchannelChanged(SubchannelTransition Transition) : GreeterServiceMessage;

    /// <summary>The states and subchannel transitions seen so far, in order, and the channel; answered with a <see cref="GreeterServiceStatus"/>.</summary>
    public sealed record GetStatus : GreeterServiceMessage
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>A call made by <see cref="Greet"/> finished: piped back to our own mailbox with whom to answer.</summary>
    internal sealed record GreetFinished(IActorRef ReplyTo, string? Reply, Exception? Error) : GreeterServiceMessage;
}

public sealed record GreeterServiceStatus(IReadOnlyList<ConnectivityState> StatesSeen, ManagedChannel Channel, int Answered)
{
    public IReadOnlyList<SubchannelTransition> TransitionsSeen { get; init; } = [];
}

/// <summary>
/// A small actor-based service that owns its gRPC channel: the channel actor is spawned as this actor's child
/// ("/user/greeter-service/channel"), so it stops when this actor stops; the channel's state changes arrive here as
/// <see cref="ChannelStateChanged"/> messages, and each of its subchannels' transitions as
/// <see cref="GreeterServiceMessage.SubchannelChanged"/>. Calls never block the mailbox: their results are piped back
/// as messages (PipeTo).
/// </summary>
public sealed class GreeterServiceActor : ReceiveActor
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<ConnectivityState> _states = [];
    private readonly List<SubchannelTransition> _transitions = [];
    private readonly string _target;
    private readonly ManagedChannelOptions _channelOptions;
    private ManagedChannel? _channel;
    private Greeter.GreeterClient? _client;
    private int _answered;

    public GreeterServiceActor(string target, ManagedChannelOptions channelOptions)
    {
        _target = target;
        _channelOptions = channelOptions;
        Receive<GreeterServiceMessage.Greet>(Greet);
        Receive<GreeterServiceMessage.GreetFinished>(Finished);
        Receive<ChannelStateChanged>(changed =>
        {
            _states.Add(changed.Current);
            _log.Info("Greeter service: my channel went {0} -> {1}", changed.Previous.ToSpecName(), changed.Current.ToSpecName());
        });
        Receive<GreeterServiceMessage.SubchannelChanged>(changed =>
        {
            var t = changed.Transition;
            _transitions.Add(t);
            _log.Info("Greeter service: subchannel {0} {1} went {2} -> {3} ({4})", t.SubchannelId, t.Address, t.From.ToSpecName(), t.To.ToSpecName(), t.Reason);
        });
        Receive<GreeterServiceMessage.GetStatus>(_ =>
            Sender.Tell(new GreeterServiceStatus(_states.ToArray(), _channel!, _answered) { TransitionsSeen = _transitions.ToArray() }));
    }

    public static Props Props(string target, ManagedChannelOptions channelOptions) =>
        Akka.Actor.Props.Create(() => new GreeterServiceActor(target, channelOptions));

    protected override void PreStart()
    {
        // Transitions through the options' observer: it is in place before the channel starts, so the service also
        // sees the first connection attempt, which a SubscribeSubchannelTransitions made after Spawn can miss (the
        // channel starts connecting at once, on other threads). The state subscription replays the current state.
        var self = Self;
        var observer = _channelOptions.TransitionObserver;
        var options = _channelOptions with
        {
            TransitionObserver = transition =>
            {
                observer?.Invoke(transition);
                self.Tell(new GreeterServiceMessage.SubchannelChanged(transition));
            },
        };
        _channel = ManagedChannel.Spawn(Context, _target, options, "channel");
        _channel.SubscribeState(Self);
        _client = new Greeter.GreeterClient(_channel);
        _log.Info("Greeter service: channel {0} is my child; subscribed to its state and its subchannels' transitions", _channel.Actor.Path);
    }

    private void Greet(GreeterServiceMessage.Greet greet)
    {
        // The deadline is read on the channel's clock, the system's scheduler.
        var deadline = Context.System.Scheduler.Now + CallTimeout;
        var replyTo = Sender;
        _client!.SayHelloAsync(new HelloRequest { Name = greet.Name }, new CallOptions(deadline: deadline.UtcDateTime).WithWaitForReady(true)).ResponseAsync
            .PipeTo(Self, success: reply => new GreeterServiceMessage.GreetFinished(replyTo, reply.Message, null), failure: e => new GreeterServiceMessage.GreetFinished(replyTo, null, e));
    }

    private void Finished(GreeterServiceMessage.GreetFinished done)
    {
        if (done.Error is { } error)
        {
            _log.Warning("Greeter service: a call failed: {0}", error.Message);
            done.ReplyTo.Tell(new Akka.Actor.Status.Failure(error));
            return;
        }

        _answered++;
        done.ReplyTo.Tell(done.Reply);
    }
}
