using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorChannel.Host.Cli;

/// <summary>Calls answered per backend address, and when the first and the latest came (thread-safe).</summary>
public sealed class BackendTally
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Count(string address)
    {
        var entry = _entries.GetOrAdd(address, static _ => new Entry());
        Interlocked.Increment(ref entry.Count);
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref entry.First, now, 0);
        Volatile.Write(ref entry.Last, now);
    }

    public long Of(string address) => _entries.TryGetValue(address, out var entry) ? Interlocked.Read(ref entry.Count) : 0;

    /// <summary>Stopwatch timestamp of the first answer from <paramref name="address"/>, or null.</summary>
    public long? FirstAt(string address) => _entries.TryGetValue(address, out var entry) && Volatile.Read(ref entry.First) is var t and not 0 ? t : null;

    /// <summary>Stopwatch timestamp of the latest answer from <paramref name="address"/>, or null.</summary>
    public long? LastAt(string address) => _entries.TryGetValue(address, out var entry) && Volatile.Read(ref entry.Last) is var t and not 0 ? t : null;

    public IReadOnlyDictionary<string, long> Snapshot() =>
        _entries.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Count), StringComparer.Ordinal);

    private sealed class Entry
    {
        public long Count;
        public long First;
        public long Last;
    }
}
