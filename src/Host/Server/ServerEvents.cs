namespace ActorChannel.Host.Server;

/// <summary>
/// What the server saw, for tests and the demo: counts, and awaitable "the server saw N cancellations".
/// A cancellation is a call the client reset (RST_STREAM) before the server finished it.
/// </summary>
public sealed class ServerEvents
{
    private readonly object _gate = new();
    private readonly List<(long Count, TaskCompletionSource Done)> _cancellationWaiters = new();
    private long _callsStarted;
    private long _callsCompleted;
    private long _cancellations;

    /// <summary>Raised with the :path of each call the client cancelled, on the request's thread.</summary>
    public event Action<string>? CallCancelled;

    public long CallsStarted => Interlocked.Read(ref _callsStarted);

    /// <summary>Calls that ended with a status sent to the client (OK or not).</summary>
    public long CallsCompleted => Interlocked.Read(ref _callsCompleted);

    public long CancellationsSeen => Interlocked.Read(ref _cancellations);

    /// <summary>Completes once at least <paramref name="count"/> cancellations have been seen in total.</summary>
    public Task WaitForCancellationsAsync(long count, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_cancellations >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _cancellationWaiters.Add((count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    internal void OnStarted() => Interlocked.Increment(ref _callsStarted);

    internal void OnCompleted() => Interlocked.Increment(ref _callsCompleted);

    internal void OnCancelled(string path)
    {
        lock (_gate)
        {
            _cancellations++;
            _cancellationWaiters.RemoveAll(w =>
            {
                if (w.Count > _cancellations)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }

        CallCancelled?.Invoke(path);
    }
}
