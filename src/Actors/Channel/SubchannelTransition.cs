using Grpc.Core;
using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client;

/// <summary>
/// One subchannel state change, as logged; <see cref="ManagedChannelOptions.TransitionObserver"/> is told of each, and
/// so is every actor subscribed through <see cref="ManagedChannel.SubscribeSubchannelTransitions"/>.
/// </summary>
public sealed record SubchannelTransition(long ChannelId, long SubchannelId, TransportAddress Address, ConnectivityState From, ConnectivityState To, string Reason);
