using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>The result of one resolution: the addresses and, optionally, a service config in JSON.</summary>
public sealed record ResolutionResult(IReadOnlyList<TransportAddress> Addresses, string? ServiceConfigJson = null)
{
    /// <summary>
    /// When the resolver actor should resolve again without being asked (see <see cref="IResolver"/>); null, the
    /// default: only when asked.
    /// </summary>
    public RefreshSchedule? Refresh { get; init; }

    /// <summary>
    /// The same addresses in the same order, each with the same attributes, and the same service config: what the
    /// channel would do with <paramref name="other"/> is what it did with this. The refresh schedule is not compared.
    /// </summary>
    public bool SameAs(ResolutionResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ServiceConfigJson != other.ServiceConfigJson || Addresses.Count != other.Addresses.Count)
        {
            return false;
        }

        for (var i = 0; i < Addresses.Count; i++)
        {
            // TransportAddress equality looks at the endpoint only; a changed SRV weight is still a change here.
            var (a, b) = (Addresses[i], other.Addresses[i]);
            if (!a.Equals(b) || a.Attributes.Count != b.Attributes.Count
                || !a.Attributes.All(kv => b.Attributes.TryGetValue(kv.Key, out var value) && value == kv.Value))
            {
                return false;
            }
        }

        return true;
    }
}
