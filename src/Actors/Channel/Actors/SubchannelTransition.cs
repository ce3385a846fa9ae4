using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client.Actors;

/// <summary>
/// One subchannel state change, as logged; <see cref="GrpcChannelOptions.TransitionObserver"/> is told of each, and so is
/// every actor subscribed through <see cref="GrpcChannel.SubscribeSubchannelTransitions{T}"/>.
/// </summary>
public sealed record SubchannelTransition(long ChannelId, long SubchannelId, TransportAddress Address, ConnectivityState From, ConnectivityState To, string Reason);
