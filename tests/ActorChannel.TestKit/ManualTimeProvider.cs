using ActorChannel.Kernel;

namespace ActorChannel.TestKit;

/// <summary>
/// Virtual time: the clock moves only when a test advances it. Timers fire during the advance in
/// due-time order, each at its own due time; when a system is attached, every firing is followed by
/// waiting for that system to go idle, so the test can assert right after the advance returns.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset DefaultStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan IdleGuard = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset _now;
    private long _sequence;
    private ActorSystem? _system;

    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _start = _now = start ?? DefaultStart;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => (GetUtcNow() - _start).Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>From now on, advancing also waits for <paramref name="system"/> to go idle.</summary>
    public void Attach(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        _system = system;
    }

    public async Task AdvanceAsync(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "Time cannot go backwards.");
        }

        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        await WaitForIdleAsync().ConfigureAwait(false);
        while (TakeNextDue(target) is { } due)
        {
            due.Callback(due.State);
            await WaitForIdleAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_now < target)
            {
                _now = target;
            }
        }

        await WaitForIdleAsync().ConfigureAwait(false);
    }

    /// <summary>Blocking <see cref="AdvanceAsync"/>; never call it from inside an actor of the attached system.</summary>
    public void Advance(TimeSpan by) => AdvanceAsync(by).GetAwaiter().GetResult();

    /// <summary>Moves the clock to the earliest timer due by <paramref name="target"/> and re-arms or retires it.</summary>
    private ManualTimer? TakeNextDue(DateTimeOffset target)
    {
        lock (_gate)
        {
            ManualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.Due <= target && (next is null || timer.Due < next.Due || (timer.Due == next.Due && timer.Order < next.Order)))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                return null;
            }

            if (next.Due > _now)
            {
                _now = next.Due;
            }

            if (next.Period > TimeSpan.Zero)
            {
                next.Due += next.Period;
                next.Order = ++_sequence;
            }
            else
            {
                _timers.Remove(next);
            }

            return next;
        }
    }

    private async Task WaitForIdleAsync()
    {
        if (_system is { } system)
        {
            try
            {
                await system.WhenIdleAsync().WaitAsync(IdleGuard).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"Actor system '{system.Name}' did not go idle within {IdleGuard} of real time while advancing virtual time; " +
                    "an async handler is probably waiting for something that never happens.");
            }
        }
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            timer.Due = _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Order = ++_sequence;
            _timers.Add(timer);
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public long Order { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if ((dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) ||
                (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan))
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), "Timer due time and period must be non-negative or infinite.");
            }

            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
