using ActorChannel.Transport;

namespace ActorChannel.Resolution.Cluster;

/// <summary>
/// The latest endpoint list, written by the members actor and read by ResolveAsync on other threads: an immutable
/// array swapped whole, and a signal for the first one (the cluster's current state).
/// </summary>
internal sealed class ClusterMembership(Action<ResolutionResult> push)
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TransportAddress[] _current = [];

    public async Task<IReadOnlyList<TransportAddress>> CurrentAsync(CancellationToken cancellationToken)
    {
        await _first.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Volatile.Read(ref _current);
    }

    /// <summary>Only the members actor calls this.</summary>
    public void Publish(TransportAddress[] endpoints)
    {
        Volatile.Write(ref _current, endpoints);
        if (_first.TrySetResult())
        {
            // ResolveAsync answers the first list; pushing it as well would only repeat it.
            return;
        }

        push(new ResolutionResult(endpoints));
    }
}
