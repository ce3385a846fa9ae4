using System.Collections.Concurrent;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>Collects a transport's events and lets a test await one of a kind.</summary>
public sealed class EventRecorder
{
    private readonly ConcurrentQueue<ConnectionEvent> _events = new();
    private readonly List<(Func<ConnectionEvent, bool> Match, TaskCompletionSource<ConnectionEvent> Tcs)> _waiters = new();

    public IReadOnlyList<ConnectionEvent> Events => _events.ToArray();

    public void Record(ConnectionEvent e)
    {
        _events.Enqueue(e);
        lock (_waiters)
        {
            foreach (var w in _waiters.Where(w => w.Match(e)).ToList())
            {
                w.Tcs.TrySetResult(e);
                _waiters.Remove(w);
            }
        }
    }

    public Task<T> WaitFor<T>(TimeSpan? timeout = null)
        where T : ConnectionEvent
    {
        var tcs = new TaskCompletionSource<ConnectionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_events.FirstOrDefault(e => e is T) is { } seen)
            {
                return Task.FromResult((T)seen);
            }

            _waiters.Add((e => e is T, tcs));
        }

        return tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10)).ContinueWith(t => (T)t.Result, TaskScheduler.Default);
    }
}
