using Grpc.Core;

namespace ActorChannel.Client.Connectivity;

/// <summary>
/// The channel's current state, readable from any thread, and a way to wait for it to change.
/// Written only by the channel actor; readers never take a lock: the state and the "changed" signal are
/// swapped as one immutable snapshot.
/// </summary>
public sealed class StatePublisher
{
    private Snapshot _current;

    public StatePublisher(ConnectivityState initial) => _current = new Snapshot(initial);

    public ConnectivityState State => Volatile.Read(ref _current).State;

    /// <summary>Sets the state; returns false when it did not change or the old one was SHUTDOWN (final).</summary>
    public bool Set(ConnectivityState state)
    {
        var old = Volatile.Read(ref _current);
        if (old.State == state || old.State == ConnectivityState.Shutdown)
        {
            return false;
        }

        Volatile.Write(ref _current, new Snapshot(state));
        old.Changed.TrySetResult(state);
        return true;
    }

    /// <summary>Completes with the new state as soon as the state differs from <paramref name="lastSeen"/>.</summary>
    public async Task<ConnectivityState> WaitForStateChangeAsync(ConnectivityState lastSeen, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var snapshot = Volatile.Read(ref _current);
            if (snapshot.State != lastSeen)
            {
                return snapshot.State;
            }

            await snapshot.Changed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Snapshot(ConnectivityState state)
    {
        public ConnectivityState State { get; } = state;

        public TaskCompletionSource<ConnectivityState> Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
