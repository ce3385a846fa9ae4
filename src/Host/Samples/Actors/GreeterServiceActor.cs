using ActorChannel.Client;
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

    /// <summary>Sent by the channel (GrpcChannel.SubscribeState): its current state at once, then every change.</summary>
    public sealed record ChannelStateChanged(ConnectivityState State) : GreeterServiceMessage;

    /// <summary>The states seen so far, in order, and the channel (so a caller can watch it stop with us).</summary>
    public sealed record GetStatus(ReplyTo<GreeterServiceStatus> ReplyTo) : GreeterServiceMessage;

    /// <summary>Stop the service; its channel (a child actor) stops with it.</summary>
    public sealed record Stop : GreeterServiceMessage;

    /// <summary>A call made by <see cref="Greet"/> finished (sent by the call's continuation to our own mailbox).</summary>
    internal sealed record GreetFinished(ReplyTo<string> ReplyTo, string? Reply, Exception? Error) : GreeterServiceMessage;
}

public sealed record GreeterServiceStatus(IReadOnlyList<ConnectivityState> StatesSeen, GrpcChannel Channel, int Answered);

/// <summary>
/// A small actor-based service that owns its gRPC channel: the channel actor is spawned as this actor's child
/// ("/user/greeter-service/channel"), so it stops when this actor stops; the channel's state changes arrive here as
/// <see cref="GreeterServiceMessage.ChannelStateChanged"/> messages. Calls never block the mailbox: their results
/// come back as messages too.
/// </summary>
public sealed class GreeterServiceActor(string target, GrpcChannelOptions channelOptions) : Actor<GreeterServiceMessage>
{
    private readonly List<ConnectivityState> _states = [];
    private GrpcChannel? _channel;
    private GreeterClient? _client;
    private int _answered;

    public static Props<GreeterServiceMessage> Props(string target, GrpcChannelOptions channelOptions) =>
        Props<GreeterServiceMessage>.Create(() => new GreeterServiceActor(target, channelOptions));

    protected override void PreStart()
    {
        _channel = GrpcChannel.Spawn(Context, target, channelOptions, "channel");
        _channel.SubscribeState(Context.Self, state => new GreeterServiceMessage.ChannelStateChanged(state));
        _client = new GreeterClient(_channel);
        Context.Log.LogInformation("Greeter service: channel {Channel} is my child; subscribed to its state", _channel.Actor.Path);
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
                Context.Log.LogInformation("Greeter service: my channel is {State}", changed.State.ToSpecName());
                break;
            case GreeterServiceMessage.GetStatus status:
                status.ReplyTo.Reply(new GreeterServiceStatus(_states.ToArray(), _channel!, _answered));
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
