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
            if (Interlocked.Exchange(ref _slots[(start + i) & (_slots.Length - 1)], null) is { } cts)
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
            if (Interlocked.CompareExchange(ref _slots[(start + i) & (_slots.Length - 1)], cts, null) is null)
            {
                return;
            }
        }
    }
}
