using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution.Cluster;

/// <summary>Every line the akka-cluster resolver logs.</summary>
internal static partial class ClusterResolverLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "akka-cluster resolver: following members with role {Role}")]
    public static partial void Following(ILogger logger, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "akka-cluster resolver: member {Member} has role {Role} but no usable endpoint ({Error}); it is left out")]
    public static partial void NoEndpoint(ILogger logger, Akka.Actor.Address member, string role, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "akka-cluster resolver: {Count} member(s) with role {Role}: {Endpoints}")]
    public static partial void Members(ILogger logger, int count, string role, IReadOnlyList<TransportAddress> endpoints);
}
