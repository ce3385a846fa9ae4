namespace ActorChannel.Transport;

/// <summary>
/// Reusable per-call CancellationTokenSources. A source keeps its registration list, so a reused one
/// lets the handler register on the call's token without allocating; only sources that were never
/// cancelled and reset cleanly (<see cref="CancellationTokenSource.TryReset"/>) come back.
/// </summary>
internal sealed class CancellationPool
{
    private readonly CancellationTokenSource?[] _slots = new CancellationTokenSource?[32];

    public CancellationTokenSource Rent()
    {
        var start = Environment.CurrentManagedThreadId;
        for (var i = 0; i < _slots.Length; i++)
        {
            // Look before taking: an atomic exchange on an empty slot still bounces its cache line between cores.
            ref var slot = ref _slots[(start + i) & (_slots.Length - 1)];
            if (Volatile.Read(ref slot) is not null && Interlocked.Exchange(ref slot, null) is { } cts)
            {
                return cts;
            }
        }

        return new CancellationTokenSource();
    }

    public void Return(CancellationTokenSource cts)
    {
        if (!cts.TryReset())
        {
            return;
        }

        var start = Environment.CurrentManagedThreadId;
        for (var i = 0; i < _slots.Length; i++)
        {
            ref var slot = ref _slots[(start + i) & (_slots.Length - 1)];
            if (Volatile.Read(ref slot) is null && Interlocked.CompareExchange(ref slot, cts, null) is null)
            {
                return;
            }
        }
    }
}
