namespace ActorChannel.Kernel;

/// <summary>
/// Kernel-internal messages, processed before user messages. Intrusive (<see cref="Next"/>) so the
/// system queue of an idle actor costs one null field; each instance is posted once.
/// </summary>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

/// <summary>Stop the receiver: its children first, then its PostStop.</summary>
internal sealed class StopActor : SystemMessage;

/// <summary>The supervisor let a failed actor continue with its next message.</summary>
internal sealed class ResumeActor(Exception cause) : SystemMessage
{
    /// <summary>Passed to PostRestart if there is no instance to resume (its Props factory failed).</summary>
    public Exception Cause { get; } = cause;
}

/// <summary>The supervisor wants a fresh instance; the mailbox is kept.</summary>
internal sealed class RestartActor(Exception cause, object? failedMessage) : SystemMessage
{
    public Exception Cause { get; } = cause;

    public object? FailedMessage { get; } = failedMessage;
}

/// <summary>A child threw and is suspended until its parent decides.</summary>
internal sealed class ChildFailed(ActorCellBase child, Exception cause, object? failedMessage) : SystemMessage
{
    public ActorCellBase Child { get; } = child;

    public Exception Cause { get; } = cause;

    public object? FailedMessage { get; } = failedMessage;
}

/// <summary>A child finished stopping (its PostStop ran).</summary>
internal sealed class ChildTerminated(ActorCellBase child) : SystemMessage
{
    public ActorCellBase Child { get; } = child;
}

/// <summary>The watcher wants to hear when the receiver stops.</summary>
internal sealed class WatchActor(ActorCellBase watcher) : SystemMessage
{
    public ActorCellBase Watcher { get; } = watcher;
}

internal sealed class UnwatchActor(ActorCellBase watcher) : SystemMessage
{
    public ActorCellBase Watcher { get; } = watcher;
}

/// <summary>A watched actor stopped; the watcher turns it into Terminated / its WatchWith message.</summary>
internal sealed class DeathWatchNotification(ActorCellBase dead) : SystemMessage
{
    public ActorCellBase Dead { get; } = dead;
}

/// <summary>Runs code inside the actor, between messages (test kit: probes that watch).</summary>
internal sealed class RunInActor(Action action) : SystemMessage
{
    public Action Action { get; } = action;
}
