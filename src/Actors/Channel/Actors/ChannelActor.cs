using ActorChannel.Client.Balancing;
using ActorChannel.Client.Config;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Client.Protocol;
using ActorChannel.Kernel;
using ActorChannel.Resolution;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.ChannelMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// The channel (grpc-go's ClientConn): owns the resolver and balancer actors, applies resolver results and
/// service configs, publishes the balancer's pickers and the channel state, and tells subscribers of changes.
/// </summary>
internal sealed class ChannelActor : Actor<ChannelMessage>
{
    private readonly ChannelRuntime _runtime;
    private readonly IResolver _resolver;
    private readonly ResolverSink _sink;
    private readonly ServiceConfig _defaultConfig;
    private readonly Dictionary<ActorRef, Action<ConnectivityState, ConnectivityState>> _stateSubscribers = new();
    private readonly Dictionary<ActorRef, Action<SubchannelTransition>> _transitionSubscribers = new();
    private ActorRef<ResolverMessage>? _resolverActor;
    private ActorRef<BalancerMessage>? _balancer;
    private ServiceConfig? _lastGoodConfig;
    private BalancerMessage.AddressesUpdated? _lastAddresses;
    private ConnectivityState _previousState = ConnectivityState.Idle;
    private bool _shutdown;

    public ChannelActor(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, ServiceConfig defaultConfig)
    {
        _runtime = runtime;
        _resolver = resolver;
        _sink = sink;
        _defaultConfig = defaultConfig;
    }

    public static Props<ChannelMessage> Props(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, ServiceConfig defaultConfig) =>
        Props<ChannelMessage>.Create(() => new ChannelActor(runtime, resolver, sink, defaultConfig))
            .WithSupervisorStrategy(SupervisorStrategy.Default);

    protected override void PreStart()
    {
        _runtime.Invoker.Config = _defaultConfig;
        _balancer = Context.Spawn(BalancerActor.Props(_runtime, Context.Self), "balancer");
        _resolverActor = Context.Spawn(ResolverActor.Props(_runtime, _resolver, _sink, Context.Self), "resolver");
        SetState(ConnectivityState.Connecting, "resolving");
    }

    protected override void PostStop()
    {
        // Also reached when a parent actor stops the channel without DisposeAsync: the channel is closed then too.
        _runtime.Slot.Close();
        SetState(ConnectivityState.Shutdown, "channel closed");

        // The children have stopped; connections still draining end with the channel, DisposeAsync or not.
        _runtime.CloseDraining();
        _runtime.TrackClose(_resolver.DisposeAsync().AsTask());
        _runtime.MarkStopped();
    }

    protected override void Receive(ChannelMessage message)
    {
        if (_shutdown)
        {
            return;
        }

        switch (message)
        {
            case AddressesUpdated update:
                _runtime.Slot.ResolverError = null;
                var config = ApplyServiceConfig(update.ServiceConfigJson);
                _lastAddresses = new BalancerMessage.AddressesUpdated(update.Addresses, config.LoadBalancingPolicy ?? Policies.PickFirst, config.LoadBalancingPolicyConfig);
                _balancer!.Tell(_lastAddresses);
                break;
            case BalancerRestarted:
                // The old picker points at stopped subchannels: queue calls until the new balancer publishes.
                _runtime.Slot.Publish(new QueuePicker("balancer restarted"));
                SetState(ConnectivityState.Connecting, "balancer restarted");
                if (_lastAddresses is not null)
                {
                    _balancer!.Tell(_lastAddresses);
                }

                _resolverActor!.Tell(new ResolverMessage.ResolveNow());
                break;
            case ResolverError error:
                _runtime.Slot.ResolverError = error.Error;
                _balancer!.Tell(new BalancerMessage.ResolverError(error.Error));
                break;
            case PickerUpdated update:
                _runtime.Slot.Publish(update.Picker);
                SetState(update.State, update.Picker.Error ?? "picker updated");
                break;
            case ResolveNow:
                _resolverActor!.Tell(new ResolverMessage.ResolveNow());
                break;
            case ExitIdle:
                _balancer!.Tell(new BalancerMessage.ExitIdle());
                break;
            case SubscribeState subscribe:
                WatchSubscriber(subscribe.Subscriber);
                _stateSubscribers[subscribe.Subscriber] = subscribe.Notify;
                NotifyState(subscribe.Notify, _previousState, _runtime.State.State);
                break;
            case UnsubscribeState unsubscribe:
                _stateSubscribers.Remove(unsubscribe.Subscriber);
                UnwatchIfUnsubscribed(unsubscribe.Subscriber);
                break;
            case SubscribeSubchannelTransitions subscribe:
                WatchSubscriber(subscribe.Subscriber);
                _transitionSubscribers[subscribe.Subscriber] = subscribe.Notify;

                // Already added by GrpcChannel when it sent this; again here, in mailbox order, so that an earlier
                // Unsubscribe of the same subscriber processed just before does not leave it removed.
                _runtime.AddTransitionSubscriber(subscribe.Subscriber, subscribe.Notify);
                break;
            case UnsubscribeSubchannelTransitions unsubscribe:
                RemoveTransitionSubscriber(unsubscribe.Subscriber);
                UnwatchIfUnsubscribed(unsubscribe.Subscriber);
                break;
            case SubscriberStopped stopped:
                _stateSubscribers.Remove(stopped.Subscriber);
                RemoveTransitionSubscriber(stopped.Subscriber);
                break;
            case Shutdown:
                _shutdown = true;
                _runtime.Slot.Close();
                SetState(ConnectivityState.Shutdown, "channel closed");
                Context.StopSelf();
                break;
        }
    }

    private ServiceConfig ApplyServiceConfig(string? json)
    {
        if (json is null)
        {
            // No config from the resolver means the default one (service-config spec), not the last it sent.
            _lastGoodConfig = null;
            _runtime.Invoker.Config = _defaultConfig;
            return _defaultConfig;
        }

        string? error;
        try
        {
            if (ServiceConfigParser.TryParse(json, Policies.IsKnown, out var parsed, out error))
            {
                _runtime.Invoker.Config = parsed!;
                _lastGoodConfig = parsed!;
                return parsed!;
            }
        }
        catch (Exception e)
        {
            // Bad input from the resolver must never restart the channel (a restart stops every subchannel).
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var kept = _lastGoodConfig ?? _defaultConfig;
        _runtime.Logger.LogWarning(
            "Channel {ChannelId}: the resolver's service config was rejected ({Error}); keeping the last good one (policy {Policy})",
            _runtime.ChannelId, error, kept.LoadBalancingPolicy ?? Policies.PickFirst);
        return kept;
    }

    private void SetState(ConnectivityState state, string reason)
    {
        var old = _runtime.State.State;
        if (!_runtime.State.Set(state))
        {
            return;
        }

        _previousState = old;
        _runtime.Logger.LogInformation("Channel {ChannelId}: {From} -> {To} ({Reason})", _runtime.ChannelId, old.ToSpecName(), state.ToSpecName(), reason);
        foreach (var notify in _stateSubscribers.Values)
        {
            NotifyState(notify, old, state);
        }
    }

    private void NotifyState(Action<ConnectivityState, ConnectivityState> notify, ConnectivityState previous, ConnectivityState current) =>
        _runtime.Deliver(change => notify(change.Previous, change.Current), (Previous: previous, Current: current));

    /// <summary>One death watch per subscriber, whatever it subscribed to: the kernel keeps one watch per pair of actors.</summary>
    private void WatchSubscriber(ActorRef subscriber)
    {
        if (!_stateSubscribers.ContainsKey(subscriber) && !_transitionSubscribers.ContainsKey(subscriber))
        {
            Context.WatchWith(subscriber, new SubscriberStopped(subscriber));
        }
    }

    private void UnwatchIfUnsubscribed(ActorRef subscriber)
    {
        if (!_stateSubscribers.ContainsKey(subscriber) && !_transitionSubscribers.ContainsKey(subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void RemoveTransitionSubscriber(ActorRef subscriber)
    {
        if (_transitionSubscribers.Remove(subscriber))
        {
            _runtime.RemoveTransitionSubscriber(subscriber);
        }
    }
}
