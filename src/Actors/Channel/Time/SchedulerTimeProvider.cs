using Akka.Actor;

namespace ActorChannel.Client.Time;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock and timers are an actor system's scheduler, so that a call's deadline,
/// a blocking ConnectAsync and every actor timer share one clock. Under Akka.TestKit's TestScheduler all of them
/// then move together with <c>Advance</c>; Akka 1.5 has no TimeProvider of its own.
/// </summary>
public sealed class SchedulerTimeProvider : TimeProvider
{
    private readonly IScheduler _scheduler;
    private readonly bool _virtual;

    public SchedulerTimeProvider(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;

        // Akka's own scheduler reads the wall clock for Now and a stopwatch for its monotonic clock; any other
        // scheduler (TestScheduler) defines time by Now alone, so timestamps must come from Now too.
        _virtual = scheduler is not HashedWheelTimerScheduler;
    }

    public static SchedulerTimeProvider For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new SchedulerTimeProvider(system.Scheduler);
    }

    public override DateTimeOffset GetUtcNow() => _scheduler.Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _virtual ? _scheduler.Now.UtcTicks : _scheduler.MonotonicClock.Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SchedulerTimer(_scheduler.Advanced, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// One timer on the scheduler. Every Change starts a new generation; a firing of an older one is dropped, so no
    /// lock is needed between Change, Dispose and a firing on the scheduler's thread.
    /// </summary>
    private sealed class SchedulerTimer(IAdvancedScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private const long Disposed = -1;
        private long _generation;
        private ICancelable? _pending;
        private long _periodTicks = Timeout.InfiniteTimeSpan.Ticks;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long current = Volatile.Read(ref _generation);
            if (current == Disposed)
            {
                return false;
            }

            long generation = current + 1;
            if (Interlocked.CompareExchange(ref _generation, generation, current) != current)
            {
                // A concurrent Change or Dispose won; its setting stands.
                return Volatile.Read(ref _generation) != Disposed;
            }

            Interlocked.Exchange(ref _pending, null)?.Cancel();
            Volatile.Write(ref _periodTicks, period.Ticks);
            Arm(generation, dueTime);
            return true;
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _generation, Disposed);
            Interlocked.Exchange(ref _pending, null)?.Cancel();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(long generation, TimeSpan due)
        {
            if (due == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            if (due <= TimeSpan.Zero)
            {
                // A due time already reached fires at once, as with the system clock, not at the next scheduler tick.
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Timer.Fire(s.Generation), (Timer: this, Generation: generation), preferLocal: false);
                return;
            }

            var cancelable = new Cancelable(scheduler);
            scheduler.ScheduleOnce(due, () => Fire(generation), cancelable);
            Volatile.Write(ref _pending, cancelable);
        }

        private void Fire(long generation)
        {
            if (Volatile.Read(ref _generation) != generation)
            {
                return;
            }

            callback(state);
            var period = TimeSpan.FromTicks(Volatile.Read(ref _periodTicks));
            if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero && Volatile.Read(ref _generation) == generation)
            {
                Arm(generation, period);
            }
        }
    }
}
