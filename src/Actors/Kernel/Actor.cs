namespace ActorChannel.Kernel;

/// <summary>
/// An actor handling one protocol <typeparamref name="T"/> (usually a sealed record hierarchy, handled with switch).
/// The kernel never runs two of its handlers at once.
/// </summary>
public abstract class Actor<T>
{
    private IActorContext<T>? _context;

    protected Actor()
    {
        // Props factories run inside the kernel, which publishes the cell being built so that
        // constructors can already use Context (spawn children, read Self).
        _context = ActorCell<T>.Constructing;
    }

    protected IActorContext<T> Context =>
        _context ?? throw new InvalidOperationException(
            $"{GetType().Name} has no context: actors must be created by the kernel through Props<T>.Create.");

    /// <summary>Supervision of this actor's children; null means the Props' strategy or the default.</summary>
    protected virtual SupervisorStrategy? SupervisorStrategy => null;

    protected abstract void Receive(T message);

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Runs on the failed instance; the kernel stops children and cancels timers itself.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
    }

    /// <summary>Runs on the fresh instance after a restart.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>A watched actor (Watch, not WatchWith) stopped; the default fails this actor too.</summary>
    protected virtual void OnTerminated(ActorRef actor) => throw new DeathPactException(actor);

    internal SupervisorStrategy? StrategyForChildren => SupervisorStrategy;

    internal void Bind(IActorContext<T> context) => _context = context;

    /// <summary>Runs the handler; returns a task only when the handler is still running.</summary>
    internal virtual Task? Dispatch(T message)
    {
        Receive(message);
        return null;
    }

    internal void CallPreStart() => PreStart();

    internal void CallPostStop() => PostStop();

    internal void CallPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void CallPostRestart(Exception reason) => PostRestart(reason);

    internal void CallOnTerminated(ActorRef actor) => OnTerminated(actor);
}

/// <summary>An actor whose handler is asynchronous; the mailbox waits for each one before the next message.</summary>
public abstract class AsyncActor<T> : Actor<T>
{
    protected abstract Task ReceiveAsync(T message);

    protected sealed override void Receive(T message) =>
        throw new NotSupportedException("AsyncActor handles messages in ReceiveAsync.");

    internal override Task? Dispatch(T message)
    {
        var task = ReceiveAsync(message);
        return task.IsCompletedSuccessfully ? null : task;
    }
}
