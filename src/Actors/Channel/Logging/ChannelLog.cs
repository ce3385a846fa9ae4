using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Client.Logging;

/// <summary>
/// Every line the channel's actors log, one method each: the level is checked before any argument is boxed, so a
/// 10,000-address update with logging off allocates nothing for its 30,000 transitions. The state names are the
/// spec's (READY, TRANSIENT_FAILURE), as strings.
/// </summary>
internal static partial class ChannelLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: dialled {Target} ({Scheme} resolver)")]
    public static partial void Dialled(ILogger logger, long channelId, string target, string scheme);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: {From} -> {To} ({Reason})")]
    public static partial void ChannelTransition(ILogger logger, long channelId, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subchannel {ChannelId}/{SubchannelId} {Address}: {From} -> {To} ({Reason})")]
    public static partial void SubchannelTransition(ILogger logger, long channelId, long subchannelId, TransportAddress address, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subchannel {ChannelId}/{SubchannelId} {Address}: refused transition {From} -> {To} ({Reason})")]
    public static partial void RefusedTransition(ILogger logger, long channelId, long subchannelId, TransportAddress address, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subchannel {ChannelId}/{SubchannelId}: closing the transport failed")]
    public static partial void CloseFailed(ILogger logger, Exception error, long channelId, long subchannelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}: resolver error: {Error}")]
    public static partial void ResolverError(ILogger logger, long channelId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {ChannelId}: refreshed resolution unchanged")]
    public static partial void RefreshUnchanged(ILogger logger, long channelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: refreshed resolution changed: {Addresses}")]
    public static partial void RefreshChanged(ILogger logger, long channelId, IReadOnlyList<TransportAddress> addresses);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {ChannelId}: refreshing the resolution failed; trying again in {Delay}")]
    public static partial void RefreshFailed(ILogger logger, long channelId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}: the resolver's service config was rejected ({Error}); keeping the last good one (policy {Policy})")]
    public static partial void ServiceConfigRejected(ILogger logger, long channelId, string? error, string policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId}: load-balancing policy {From} -> {To}")]
    public static partial void PolicySwitched(ILogger logger, long channelId, string? from, string to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {ChannelId}: the channel actor failed and restarts")]
    public static partial void ChannelRestarting(ILogger logger, Exception reason, long channelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {ChannelId}: the balancer failed and restarts")]
    public static partial void BalancerRestarting(ILogger logger, Exception reason, long channelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {ChannelId}: its {Child} stopped after repeated failures; calls fail until the channel is dialled again")]
    public static partial void ChildStopped(ILogger logger, long channelId, string child);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {ChannelId}: a transport failed while closing")]
    public static partial void TransportCloseFailed(ILogger logger, Exception error, long channelId);
}
