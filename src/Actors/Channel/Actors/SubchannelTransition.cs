using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client.Actors;

/// <summary>One subchannel state change, as logged; <see cref="GrpcChannelOptions.TransitionObserver"/> is told of each.</summary>
public sealed record SubchannelTransition(long ChannelId, long SubchannelId, TransportAddress Address, ConnectivityState From, ConnectivityState To, string Reason);
