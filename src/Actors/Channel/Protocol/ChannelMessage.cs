using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Kernel;
using ActorChannel.Transport;

namespace ActorChannel.Client.Protocol;

/// <summary>What the channel actor (grpc-go's ClientConn) is told.</summary>
internal abstract record ChannelMessage
{
    private ChannelMessage()
    {
    }

    /// <summary>From the resolver: a new address list and, maybe, a service config.</summary>
    public sealed record AddressesUpdated(IReadOnlyList<TransportAddress> Addresses, string? ServiceConfigJson) : ChannelMessage;

    /// <summary>From the resolver: resolution failed (it retries by itself with backoff).</summary>
    public sealed record ResolverError(string Error) : ChannelMessage;

    /// <summary>From the balancer: a new picker and the aggregate state it stands for.</summary>
    public sealed record PickerUpdated(ConnectivityState State, Picker Picker) : ChannelMessage;

    /// <summary>From the balancer: a connect pass failed or a connection was lost; ask the resolver again.</summary>
    public sealed record ResolveNow : ChannelMessage;

    /// <summary>From the balancer after a restart: it has no policy and no subchannels, so replay the latest addresses.</summary>
    public sealed record BalancerRestarted : ChannelMessage;

    /// <summary>Leave IDLE (ConnectAsync, or a call meeting an idle channel).</summary>
    public sealed record ExitIdle : ChannelMessage;

    /// <summary>Go to SHUTDOWN: close the picker, stop the resolver, the balancer and every subchannel.</summary>
    public sealed record Shutdown : ChannelMessage;

    /// <summary>
    /// Tell <paramref name="Notify"/> (previous, current) for the latest change now and for every change after, until
    /// the subscriber stops or unsubscribes.
    /// </summary>
    public sealed record SubscribeState(ActorRef Subscriber, Action<ConnectivityState, ConnectivityState> Notify) : ChannelMessage;

    public sealed record UnsubscribeState(ActorRef Subscriber) : ChannelMessage;

    /// <summary>Tell <paramref name="Notify"/> every subchannel transition from now on, until the subscriber stops or unsubscribes.</summary>
    public sealed record SubscribeSubchannelTransitions(ActorRef Subscriber, Action<SubchannelTransition> Notify) : ChannelMessage;

    public sealed record UnsubscribeSubchannelTransitions(ActorRef Subscriber) : ChannelMessage;

    /// <summary>Death watch: a subscriber stopped, so every subscription it had ends.</summary>
    public sealed record SubscriberStopped(ActorRef Subscriber) : ChannelMessage;
}
