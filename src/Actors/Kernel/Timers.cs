namespace ActorChannel.Kernel;

/// <summary>
/// Per-actor keyed timers on the system's TimeProvider. A firing queues its entry (key + generation)
/// in the mailbox; at dequeue it is delivered only if it is still the current entry for its key.
/// </summary>
internal sealed class TimerScheduler<T>(ActorCell<T> cell) : ITimerScheduler<T>
{
    private Dictionary<object, TimerEntry<T>>? _timers;
    private long _generation;

    public void StartSingleTimer(object key, T message, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A timer delay cannot be negative.");
        }

        Start(key, message, delay, Timeout.InfiniteTimeSpan);
    }

    public void StartPeriodicTimer(object key, T message, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A timer interval must be positive.");
        }

        Start(key, message, interval, interval);
    }

    public bool IsTimerActive(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _timers is not null && _timers.ContainsKey(key);
    }

    public void Cancel(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_timers is not null && _timers.Remove(key, out var entry))
        {
            entry.Timer?.Dispose();
        }
    }

    public void CancelAll()
    {
        if (_timers is null)
        {
            return;
        }

        foreach (var entry in _timers.Values)
        {
            entry.Timer?.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>True when the fired entry is still current; a single timer is then used up.</summary>
    internal bool TryTake(TimerEntry<T> fired)
    {
        if (_timers is null || !_timers.TryGetValue(fired.Key, out var current) || current.Generation != fired.Generation)
        {
            return false;
        }

        if (!fired.Periodic)
        {
            _timers.Remove(fired.Key);
            fired.Timer?.Dispose();
        }

        return true;
    }

    private void Start(object key, T message, TimeSpan due, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        Cancel(key);
        var entry = new TimerEntry<T>(cell, key, ++_generation, message, period != Timeout.InfiniteTimeSpan);
        _timers ??= [];
        _timers[key] = entry;
        entry.Timer = cell.System.TimeProvider.CreateTimer(
            static state => ((TimerEntry<T>)state!).Fire(), entry, due, period);
    }
}

/// <summary>One start of one timer key; its generation tells it apart from later starts of the same key.</summary>
internal sealed class TimerEntry<T>(ActorCell<T> cell, object key, long generation, T message, bool periodic)
{
    public object Key { get; } = key;

    public long Generation { get; } = generation;

    public T Message { get; } = message;

    public bool Periodic { get; } = periodic;

    public ITimer? Timer { get; set; }

    public void Fire() => cell.PostControl(this);
}
