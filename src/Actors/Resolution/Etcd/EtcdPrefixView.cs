using ActorChannel.Transport;
using Mvccpb;

namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// What a resolver knows of its prefix: the address each key announces and the revision that is current to. Made by
/// a full read, then owned by the one watch loop, so it is mutable and unguarded; others see only its
/// <see cref="Snapshot"/>s.
/// </summary>
internal sealed class EtcdPrefixView(long revision)
{
    private readonly SortedDictionary<string, TransportAddress> _addresses = new(StringComparer.Ordinal);

    public long Revision { get; private set; } = revision;

    /// <summary>Applies one put or delete; a bad value's message goes to <paramref name="errors"/>.</summary>
    public void Apply(Event.Types.EventType type, KeyValue kv, List<string> errors)
    {
        Revision = Math.Max(Revision, kv.ModRevision);
        var key = kv.Key.ToStringUtf8();
        if (type == Event.Types.EventType.Delete)
        {
            _addresses.Remove(key);
            return;
        }

        try
        {
            _addresses[key] = EtcdEndpointRecord.Parse(key, kv.Value.Span);
        }
        catch (FormatException e)
        {
            // A bad value removes whatever the key announced before: it no longer announces a backend.
            _addresses.Remove(key);
            errors.Add(e.Message);
        }
    }

    /// <summary>A progress notification: every change up to <paramref name="revision"/> has been seen.</summary>
    public void Reached(long revision) => Revision = Math.Max(Revision, revision);

    /// <summary>In key order, so that the same registrations always give the same list.</summary>
    public IReadOnlyList<TransportAddress> Snapshot() => _addresses.Values.Distinct().ToArray();
}
