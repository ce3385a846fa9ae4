using System.Collections.Concurrent;

namespace ActorChannel.Host.Cli;

/// <summary>Calls answered per backend address, counted as responses arrive (thread-safe).</summary>
public sealed class BackendTally
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);

    public void Count(string address) => Interlocked.Increment(ref _counts.GetOrAdd(address, static _ => new StrongBox<long>()).Value);

    public long Of(string address) => _counts.TryGetValue(address, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public IReadOnlyDictionary<string, long> Snapshot() =>
        _counts.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Value), StringComparer.Ordinal);

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
