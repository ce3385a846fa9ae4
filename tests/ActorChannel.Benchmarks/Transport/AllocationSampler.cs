using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// Which types a run allocates, from the runtime's GC AllocationTick events (one sample per ~100 KB
/// allocated, so the counts are proportional to bytes). A diagnostic for finding the bytes per call.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    public bool Enabled { get; set; }

    public IEnumerable<KeyValuePair<string, long>> Top(int n) => _bytes.OrderByDescending(kv => kv.Value).Take(n);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Enabled || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        var name = e.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? e.Payload[i] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(e.Payload[j]) : 100_000;
        _bytes.AddOrUpdate(name, amount, (_, v) => v + amount);
    }
}
