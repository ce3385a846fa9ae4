using System.Net;

namespace ActorChannel.Resolution;

/// <summary>
/// The records of one kind a name has, and the smallest TTL among them (null when there are none, or when the
/// answer came from the OS, which gives no TTL). <see cref="NameExists"/> is false for NXDOMAIN.
/// </summary>
internal sealed record DnsRecords<T>(IReadOnlyList<T> Records, TimeSpan? MinTtl, bool NameExists)
{
    public static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

/// <summary>One SRV record: where to connect, and the priority and weight the record gave it.</summary>
internal sealed record SrvTarget(string Host, int Port, int Priority, int Weight);

/// <summary>An SRV target's addresses, looked up on the same server.</summary>
internal sealed record SrvAddresses(SrvTarget Target, IReadOnlyList<IPAddress> Addresses);
