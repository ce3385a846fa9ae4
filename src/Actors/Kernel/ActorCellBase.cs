namespace ActorChannel.Kernel;

/// <summary>
/// The untyped half of an actor: its place in the tree, its lifecycle and the system messages that
/// drive them. Everything here runs on the actor's own mailbox turn, except where a lock says otherwise.
/// </summary>
internal abstract partial class ActorCellBase : Mailbox
{
    private string? _path;
    private Dictionary<string, ActorCellBase>? _children;   // guarded by lock(this): top level is spawned from any thread
    private List<ActorCellBase>? _watchers;

    private protected ActorCellBase(ActorSystem system, ActorCellBase? parent, string name)
        : base(system)
    {
        Parent = parent;
        Name = name;
    }

    protected enum Lifecycle : byte
    {
        New,
        Running,
        Restarting,   // waiting for the children to stop before making the new instance
        Stopping,     // waiting for the children to stop before PostStop
        Stopped,
    }

    /// <summary>Null only for the user guardian, the root of every system's tree.</summary>
    public ActorCellBase? Parent { get; }

    public string Name { get; }

    public string Path => _path ??= Parent is null ? "/" + Name : Parent.Path + "/" + Name;

    public abstract ActorRef UntypedSelf { get; }

    /// <summary>Restarts counted by the parent's strategy; only the parent touches it.</summary>
    internal RestartWindow Restarts;

    protected Lifecycle State { get; set; }

    /// <summary>Threw, and waits for the parent's directive; user messages stay queued.</summary>
    protected bool Failed { get; set; }

    protected override bool CanProcessUser => State == Lifecycle.Running && !Failed;

    internal ActorRef<TChild> SpawnChild<TChild>(Props<TChild> props, string name)
    {
        ArgumentNullException.ThrowIfNull(props);
        ValidateName(name);
        var child = new ActorCell<TChild>(System, this, name, props);
        lock (this)
        {
            if (State is Lifecycle.Stopping or Lifecycle.Stopped)
            {
                throw new InvalidOperationException($"{Path} is stopping; it cannot spawn '{name}'.");
            }

            _children ??= new Dictionary<string, ActorCellBase>(StringComparer.Ordinal);
            if (!_children.TryAdd(name, child))
            {
                throw new ArgumentException($"{Path} already has a child named '{name}'.", nameof(name));
            }
        }

        child.ScheduleStart();
        return child.Self;
    }

    internal IReadOnlyCollection<ActorRef> ChildrenSnapshot()
    {
        lock (this)
        {
            return _children is null ? [] : _children.Values.Select(c => c.UntypedSelf).ToArray();
        }
    }

    internal void ScheduleStart() => TrySchedule();

    protected override void HandleSystem(SystemMessage message)
    {
        if (State == Lifecycle.Stopped)
        {
            HandleSystemAfterClose(message);
            return;
        }

        switch (message)
        {
            case StopActor:
                BeginStop();
                break;
            case ResumeActor resume:
                Resume(resume.Cause);
                break;
            case RestartActor restart:
                BeginRestart(restart);
                break;
            case ChildFailed failed:
                Supervise(failed);
                break;
            case ChildTerminated terminated:
                OnChildTerminated(terminated.Child);
                break;
            case WatchActor watch:
                _watchers ??= [];
                if (!_watchers.Contains(watch.Watcher))
                {
                    _watchers.Add(watch.Watcher);
                }

                break;
            case UnwatchActor unwatch:
                _watchers?.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification notification:
                OnWatchedActorTerminated(notification.Dead);
                break;
            case RunInActor run:
                try
                {
                    run.Action();
                }
                catch (Exception error)
                {
                    Fail(error, null);
                }

                break;
        }
    }

    protected override void HandleSystemAfterClose(SystemMessage message)
    {
        // Watching the dead still yields exactly one notification; everything else is moot now.
        if (message is WatchActor watch)
        {
            watch.Watcher.PostSystem(new DeathWatchNotification(this));
        }
    }

    protected abstract void OnWatchedActorTerminated(ActorCellBase dead);

    /// <summary>Sends Stop to every child; false when there are none.</summary>
    private bool StopChildren()
    {
        ActorCellBase[] children;
        lock (this)
        {
            if (_children is null || _children.Count == 0)
            {
                return false;
            }

            children = [.. _children.Values];
        }

        foreach (var child in children)
        {
            child.PostSystem(new StopActor());
        }

        return true;
    }

    private bool HasChildren()
    {
        lock (this)
        {
            return _children is { Count: > 0 };
        }
    }

    private bool IsChild(ActorCellBase cell)
    {
        lock (this)
        {
            return _children is not null && _children.TryGetValue(cell.Name, out var found) && found == cell;
        }
    }

    private void RemoveChild(ActorCellBase cell)
    {
        lock (this)
        {
            if (_children is not null && _children.TryGetValue(cell.Name, out var found) && found == cell)
            {
                _children.Remove(cell.Name);
            }
        }
    }

    private void NotifyWatchers()
    {
        var watchers = _watchers;
        _watchers = null;
        if (watchers is null)
        {
            return;
        }

        foreach (var watcher in watchers)
        {
            watcher.PostSystem(new DeathWatchNotification(this));
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name) || name.Contains('/'))
        {
            throw new ArgumentException($"Actor name '{name}' is invalid: it must be non-empty and contain no '/'.", nameof(name));
        }
    }
}
