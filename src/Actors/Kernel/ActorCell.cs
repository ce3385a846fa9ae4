using Microsoft.Extensions.Logging;

namespace ActorChannel.Kernel;

/// <summary>The typed half of an actor: its queue, its instance, and the context it sees.</summary>
internal sealed partial class ActorCell<T> : ActorCellBase, IActorContext<T>
{
    [ThreadStatic]
    private static ActorCell<T>? t_constructing;

    private readonly Props<T> _props;
    private readonly MpscQueue<Envelope<T>> _queue = new();
    private Actor<T>? _actor;
    private TimerScheduler<T>? _timers;
    private ILogger? _log;

    internal ActorCell(ActorSystem system, ActorCellBase? parent, string name, Props<T> props)
        : base(system, parent, name)
    {
        _props = props;
        Self = new ActorRef<T>(this);
    }

    /// <summary>The cell whose Props factory is running on this thread (read by Actor's constructor).</summary>
    internal static ActorCell<T>? Constructing => t_constructing;

    public ActorRef<T> Self { get; }

    public override ActorRef UntypedSelf => Self;

    ActorRef? IActorContext<T>.Parent => Parent is { Parent: not null } parent ? parent.UntypedSelf : null;

    ActorSystem IActorContext<T>.System => System;

    public ILogger Log => _log ??= System.LoggerFactory.CreateLogger(Path);

    public ITimerScheduler<T> Timers => _timers ??= new TimerScheduler<T>(this);

    public IReadOnlyCollection<ActorRef> Children => ChildrenSnapshot();

    protected override SupervisorStrategy StrategyForChildren =>
        _props.Strategy ?? _actor?.StrategyForChildren ?? SupervisorStrategy.Default;

    public ActorRef<TChild> Spawn<TChild>(Props<TChild> props, string name) => SpawnChild(props, name);

    public void Stop(ActorRef child)
    {
        ArgumentNullException.ThrowIfNull(child);
        var cell = child.Cell;
        if (cell == this)
        {
            StopSelf();
            return;
        }

        if (cell.Parent != this)
        {
            throw new ArgumentException($"{child.Path} is not a child of {Path}.", nameof(child));
        }

        cell.PostSystem(new StopActor());
    }

    public void StopSelf() => PostSystem(new StopActor());

    internal void Post(T message)
    {
        if (IsClosed)
        {
            System.DeadLetters.Publish(this, message);
            return;
        }

        _queue.Enqueue(new Envelope<T>(message, null));
        AfterUserEnqueue();
    }

    /// <summary>Queues a kernel item behind the messages already queued (timers, terminations).</summary>
    internal void PostControl(object control)
    {
        if (IsClosed)
        {
            return;
        }

        _queue.Enqueue(new Envelope<T>(default!, control));
        AfterUserEnqueue();
    }

    protected override bool HasInstance => _actor is not null;

    protected override bool HasUserWork() => _queue.HasItems();

    protected override UserRun ProcessOneUserMessage()
    {
        if (!_queue.TryDequeue(out var envelope))
        {
            return UserRun.Empty;
        }

        return envelope.Control switch
        {
            null => Invoke(envelope.Message),
            TimerEntry<T> timer => _timers is not null && _timers.TryTake(timer) ? Invoke(timer.Message) : UserRun.Done,
            TerminatedNotice notice => DeliverTerminated(notice),
            _ => UserRun.Done,
        };
    }

    protected override void DrainUserToDeadLetters()
    {
        while (_queue.TryDequeue(out var envelope))
        {
            if (envelope.Control is null)
            {
                System.DeadLetters.Publish(this, envelope.Message);
            }
        }
    }

    protected override void CancelTimers() => _timers?.CancelAll();

    private bool TryCreateInstance()
    {
        var outer = t_constructing;
        t_constructing = this;
        try
        {
            var actor = _props.Factory()
                ?? throw new InvalidOperationException($"The Props factory of {Path} returned null.");
            actor.Bind(this);
            _actor = actor;
            return true;
        }
        catch (Exception error)
        {
            _actor = null;
            Fail(error, null);
            return false;
        }
        finally
        {
            t_constructing = outer;
        }
    }
}
