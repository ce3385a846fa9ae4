using Grpc.Core;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using Akka.Actor;

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
    public sealed record ResolveNow : ChannelMessage
    {
        public static readonly ResolveNow Instance = new();

        private ResolveNow()
        {
        }
    }

    /// <summary>From the balancer after a restart: it has no policy and no subchannels, so replay the latest addresses.</summary>
    public sealed record BalancerRestarted : ChannelMessage
    {
        public static readonly BalancerRestarted Instance = new();

        private BalancerRestarted()
        {
        }
    }

    /// <summary>Leave IDLE (ConnectAsync, or a call meeting an idle channel).</summary>
    public sealed record ExitIdle : ChannelMessage
    {
        public static readonly ExitIdle Instance = new();

        private ExitIdle()
        {
        }
    }

    /// <summary>Go to SHUTDOWN: close the picker, stop the resolver, the balancer and every subchannel.</summary>
    public sealed record Shutdown : ChannelMessage
    {
        public static readonly Shutdown Instance = new();

        private Shutdown()
        {
        }
    }

    /// <summary>
    /// Tell <paramref name="Subscriber"/> a <see cref="ChannelStateChanged"/> for the latest change now and one for every
    /// change after, until the subscriber stops or unsubscribes.
    /// </summary>
    public sealed record SubscribeState(IActorRef Subscriber) : ChannelMessage;

    public sealed record UnsubscribeState(IActorRef Subscriber) : ChannelMessage;

    /// <summary>Tell <paramref name="Subscriber"/> every <see cref="SubchannelTransition"/> from now on, until it stops or unsubscribes.</summary>
    public sealed record SubscribeSubchannelTransitions(IActorRef Subscriber) : ChannelMessage;

    public sealed record UnsubscribeSubchannelTransitions(IActorRef Subscriber) : ChannelMessage;

    /// <summary>Death watch: the balancer or the resolver stopped, and not because the channel is closing.</summary>
    public sealed record ChildStopped(string Child) : ChannelMessage;

    /// <summary>Death watch: a subscriber stopped, so every subscription it had ends.</summary>
    public sealed record SubscriberStopped(IActorRef Subscriber) : ChannelMessage;
}
