namespace ActorChannel.Kernel;

/// <summary>
/// Counts mailboxes that are queued, running or waiting for an async handler. Zero means nothing in
/// the system can make progress on its own: the test kit advances virtual time only then.
/// </summary>
/// <remarks>
/// Enter stays lock-free; Exit takes the lock only when it reaches zero, and completes the waiter only if the
/// count is still zero under the lock. Without that re-check, an Exit preempted after its decrement could
/// complete a waiter installed after new work arrived (Enter, then WhenIdleAsync), which returned early.
/// </remarks>
internal sealed class IdleTracker
{
    private readonly object _gate = new();
    private long _busy;
    private TaskCompletionSource? _waiter;   // guarded by _gate

    public void Enter() => Interlocked.Increment(ref _busy);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _busy) != 0)
        {
            return;
        }

        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (Volatile.Read(ref _busy) != 0)
            {
                return;   // new work arrived; whoever brings it back to zero completes the waiter
            }

            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    public Task WhenIdleAsync(CancellationToken ct)
    {
        Task task;
        lock (_gate)
        {
            if (Volatile.Read(ref _busy) == 0)
            {
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _waiter.Task;
        }

        return ct.CanBeCanceled ? task.WaitAsync(ct) : task;
    }
}
