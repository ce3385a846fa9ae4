using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution.Etcd;

/// <summary>Every line the etcd resolver and <see cref="EtcdRegistration"/> log.</summary>
internal static partial class EtcdLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "etcd: read {Count} endpoints under {Prefix} at revision {Revision}")]
    public static partial void Read(ILogger logger, int count, string prefix, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd: watching {Prefix} at {Endpoint} failed ({Error}); keeping {Count} addresses, retrying in {Delay}")]
    public static partial void WatchFailed(ILogger logger, string prefix, Uri endpoint, string error, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd: {Prefix} was compacted to revision {Compacted}, past {Revision} where the watch resumed; reading it whole again")]
    public static partial void Compacted(ILogger logger, string prefix, long compacted, long revision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "etcd: watching {Prefix} from revision {Revision}")]
    public static partial void Watching(ILogger logger, string prefix, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Error}; the key is ignored")]
    public static partial void BadRecord(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd: {Prefix} now lists {Addresses} ({Why})")]
    public static partial void Lists(ILogger logger, string prefix, IReadOnlyList<TransportAddress> addresses, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd: registered {Key} under lease {Lease} ({Ttl} s)")]
    public static partial void Registered(ILogger logger, string key, long lease, long ttl);

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd: deregistered {Key}")]
    public static partial void Deregistered(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd: could not revoke the lease of {Key} ({Error}); it expires within {Ttl}")]
    public static partial void RevokeFailed(ILogger logger, string key, string error, TimeSpan ttl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd: the lease of {Key} expired; registering again")]
    public static partial void LeaseExpired(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd: keeping {Key} alive at {Endpoint} failed ({Error}); retrying")]
    public static partial void KeepAliveFailed(ILogger logger, string key, Uri endpoint, string error);
}
