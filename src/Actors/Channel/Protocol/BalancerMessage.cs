using Grpc.Core;
using System.Text.Json;
using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client.Protocol;

/// <summary>What the balancer actor is told, by the channel and by its subchannels.</summary>
internal abstract record BalancerMessage
{
    private BalancerMessage()
    {
    }

    /// <summary>From the channel: the resolver's addresses and the policy the service config chose.</summary>
    public sealed record AddressesUpdated(IReadOnlyList<TransportAddress> Addresses, string Policy, JsonElement? PolicyConfig) : BalancerMessage;

    public sealed record ResolverError(string Error) : BalancerMessage;

    /// <summary>From a subchannel: it moved to <paramref name="State"/>; <paramref name="Error"/> says why it failed.</summary>
    public sealed record SubConnStateChanged(long SubchannelId, ConnectivityState State, string? Error) : BalancerMessage;

    /// <summary>A call or ConnectAsync met an idle balancer: start connecting.</summary>
    public sealed record ExitIdle : BalancerMessage
    {
        public static readonly ExitIdle Instance = new();

        private ExitIdle()
        {
        }
    }

    /// <summary>To itself: build the picker now that a burst of state changes has been taken in.</summary>
    public sealed record Flush : BalancerMessage
    {
        public static readonly Flush Instance = new();

        private Flush()
        {
        }
    }
}
