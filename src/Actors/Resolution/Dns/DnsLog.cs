using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution;

/// <summary>Every line the dns resolver logs; the level is checked before the addresses are formatted.</summary>
internal static partial class DnsLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: looking up {Name} again in {Delay} (smallest TTL {Ttl})")]
    public static partial void RefreshIn(ILogger logger, string name, TimeSpan delay, TimeSpan? ttl);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: {Name} resolved to {Count} addresses: {Addresses}")]
    public static partial void Resolved(ILogger logger, string name, int count, IReadOnlyList<TransportAddress> addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: an SRV target of {Name} is skipped: {Error}")]
    public static partial void SrvTargetSkipped(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: {Error}")]
    public static partial void ConfigKept(ILogger logger, string error);
}
