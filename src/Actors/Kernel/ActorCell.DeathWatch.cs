namespace ActorChannel.Kernel;

/// <summary>
/// The watcher side of death watch. A notification is queued behind the user messages and delivered
/// only if the watch still stands when it is dequeued, so it arrives exactly once and never after Unwatch.
/// </summary>
internal sealed partial class ActorCell<T>
{
    private Dictionary<ActorCellBase, WatchEntry>? _watching;

    public void Watch(ActorRef other) => WatchCore(other, default!, hasMessage: false);

    public void WatchWith(ActorRef other, T message) => WatchCore(other, message, hasMessage: true);

    public void Unwatch(ActorRef other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var cell = other.Cell;
        if (_watching is not null && _watching.Remove(cell))
        {
            cell.PostSystem(new UnwatchActor(this));
        }
    }

    protected override void OnWatchedActorTerminated(ActorCellBase dead)
    {
        if (_watching is not null && _watching.TryGetValue(dead, out var entry) && !entry.Notified)
        {
            entry.Notified = true;
            PostControl(new TerminatedNotice(dead));
        }
    }

    protected override void UnwatchAll()
    {
        if (_watching is null)
        {
            return;
        }

        foreach (var watched in _watching.Keys)
        {
            watched.PostSystem(new UnwatchActor(this));
        }

        _watching = null;
    }

    protected override void UnwatchChildren()
    {
        if (_watching is null)
        {
            return;
        }

        // Removing while enumerating is allowed for Dictionary since .NET Core 3.0.
        foreach (var watched in _watching.Keys)
        {
            if (watched.Parent == this)
            {
                _watching.Remove(watched);
                watched.PostSystem(new UnwatchActor(this));
            }
        }
    }

    private void WatchCore(ActorRef other, T message, bool hasMessage)
    {
        ArgumentNullException.ThrowIfNull(other);
        var cell = other.Cell;
        if (cell == this)
        {
            return;
        }

        _watching ??= [];
        if (_watching.TryGetValue(cell, out var existing))
        {
            existing.Message = message;
            existing.HasMessage = hasMessage;
            return;
        }

        _watching[cell] = new WatchEntry { Message = message, HasMessage = hasMessage };
        cell.PostSystem(new WatchActor(this));
    }

    private UserRun DeliverTerminated(TerminatedNotice notice)
    {
        if (_watching is null || !_watching.TryGetValue(notice.Dead, out var entry) || !entry.Notified)
        {
            return UserRun.Done;   // unwatched meanwhile (or a stale notice of an earlier watch)
        }

        _watching.Remove(notice.Dead);
        if (entry.HasMessage)
        {
            return Invoke(entry.Message);
        }

        var deadRef = notice.Dead.UntypedSelf;
        try
        {
            _actor!.CallOnTerminated(deadRef);
        }
        catch (Exception error)
        {
            Fail(error, new Terminated(deadRef));
        }

        return UserRun.Done;
    }

    private sealed class WatchEntry
    {
        public T Message = default!;
        public bool HasMessage;
        public bool Notified;
    }
}
