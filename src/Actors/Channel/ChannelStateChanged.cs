using Grpc.Core;
using ActorChannel.Client.Connectivity;

namespace ActorChannel.Client;

/// <summary>
/// What an actor subscribed through <see cref="ManagedChannel.SubscribeState"/> receives: first the latest change (when
/// the state never changed, <see cref="Previous"/> equals <see cref="Current"/>), then one message per change.
/// </summary>
public sealed record ChannelStateChanged(ConnectivityState Previous, ConnectivityState Current);
