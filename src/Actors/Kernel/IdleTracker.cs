namespace ActorChannel.Kernel;

/// <summary>
/// Counts mailboxes that are queued, running or waiting for an async handler. Zero means nothing in
/// the system can make progress on its own: the test kit advances virtual time only then.
/// </summary>
internal sealed class IdleTracker
{
    private long _busy;
    private TaskCompletionSource? _waiter;

    public void Enter() => Interlocked.Increment(ref _busy);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _busy) == 0 && Volatile.Read(ref _waiter) is not null)
        {
            Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
        }
    }

    public Task WhenIdleAsync(CancellationToken ct)
    {
        if (Interlocked.Read(ref _busy) == 0)
        {
            return Task.CompletedTask;
        }

        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = Interlocked.CompareExchange(ref _waiter, fresh, null) ?? fresh;

        // The count may have reached zero before the waiter was visible to Exit.
        if (Interlocked.Read(ref _busy) == 0)
        {
            Interlocked.CompareExchange(ref _waiter, null, waiter);
            waiter.TrySetResult();
        }

        return ct.CanBeCanceled ? waiter.Task.WaitAsync(ct) : waiter.Task;
    }
}
