using Akka.Actor;

namespace ActorChannel.Client.Actors;

/// <summary>
/// What every actor of a channel shares: it is listed in the channel's runtime from the moment it is made until it
/// has stopped, and it counts each message it has handled and each lifecycle hook it has run (a start, a restart or a
/// stop does work and tells others too, outside any message). Both are for diagnostics and for test kits that wait
/// until a channel is quiet.
/// </summary>
internal abstract class ChannelActorBase(ChannelRuntime runtime) : UntypedActor
{
    /// <summary>Makes a child and lists it at once: messages told to it may be waiting before it has even started.</summary>
    protected IActorRef Spawn(Props props, string name)
    {
        var child = Context.ActorOf(props, name);
        runtime.ActorStarted(child);
        return child;
    }

    public override void AroundPreStart()
    {
        base.AroundPreStart();
        runtime.CountMessage();
    }

    public override void AroundPreRestart(Exception cause, object message)
    {
        base.AroundPreRestart(cause, message);
        runtime.CountMessage();
    }

    public override void AroundPostRestart(Exception cause, object message)
    {
        base.AroundPostRestart(cause, message);
        runtime.CountMessage();
    }

    public override void AroundPostStop()
    {
        try
        {
            base.AroundPostStop();
        }
        finally
        {
            runtime.CountMessage();
            runtime.ActorStopped(Self);
        }
    }

    /// <summary>Counted once the handler is done, so that whatever it told others was sent before the count moved.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        runtime.CountMessage();
        return handled;
    }
}
