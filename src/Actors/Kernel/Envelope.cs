namespace ActorChannel.Kernel;

/// <summary>
/// One user-queue item: a message, or a kernel item that must keep its place among the messages
/// (a timer firing, a watched actor's termination). Control is null for plain messages.
/// </summary>
internal readonly struct Envelope<T>(T message, object? control)
{
    public T Message { get; } = message;

    public object? Control { get; } = control;
}

/// <summary>A watched actor stopped; delivered as OnTerminated or the WatchWith message.</summary>
internal sealed class TerminatedNotice(ActorCellBase dead)
{
    public ActorCellBase Dead { get; } = dead;
}

/// <summary>Stands for the failed "message" in logs and PreRestart when OnTerminated threw.</summary>
internal sealed record Terminated(ActorRef Actor);
