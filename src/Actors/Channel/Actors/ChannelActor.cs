using Grpc.Core;
using ActorChannel.Client.Logging;
using ActorChannel.Client.Balancing;
using ActorChannel.Client.Config;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Client.Protocol;
using ActorChannel.Resolution;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.ChannelMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// The channel (grpc-go's ClientConn): owns the resolver and balancer actors, applies resolver results and
/// service configs, publishes the balancer's pickers and the channel state, and tells subscribers of changes.
/// </summary>
internal sealed class ChannelActor : ChannelActorBase
{
    private readonly ChannelRuntime _runtime;
    private readonly IResolver _resolver;
    private readonly ResolverSink _sink;
    private readonly ServiceConfig _defaultConfig;
    private readonly HashSet<IActorRef> _stateSubscribers;
    private readonly HashSet<IActorRef> _transitionSubscribers;
    private IActorRef _resolverActor = ActorRefs.Nobody;
    private IActorRef _balancer = ActorRefs.Nobody;
    private ServiceConfig? _lastGoodConfig;
    private BalancerMessage.AddressesUpdated? _lastAddresses;

    public ChannelActor(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, ServiceConfig defaultConfig)
        : base(runtime)
    {
        _runtime = runtime;
        _resolver = resolver;
        _sink = sink;
        _defaultConfig = defaultConfig;
        _stateSubscribers = runtime.StateSubscribers;
        _transitionSubscribers = runtime.TransitionSubscriberSet;
    }

    public static Props Props(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, ServiceConfig defaultConfig) =>
        ActorProps.Of(() => new ChannelActor(runtime, resolver, sink, defaultConfig));

    /// <summary>
    /// A resolver or balancer that throws is restarted (at most 10 times a minute, then stopped): a restarted resolver
    /// resolves again, a restarted balancer starts with no subchannels and is given the latest addresses again.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => ChannelSupervision.RestartChildren;

    protected override void PreStart()
    {
        _runtime.Invoker.Config = _defaultConfig;
        _balancer = Spawn(BalancerActor.Props(_runtime, Self), "balancer");
        _resolverActor = Spawn(ResolverActor.Props(_runtime, _resolver, _sink, Self), "resolver");
        Context.WatchWith(_balancer, new ChildStopped("balancer"));
        Context.WatchWith(_resolverActor, new ChildStopped("resolver"));
        SetState(ConnectivityState.Connecting, "resolving");
    }

    /// <summary>
    /// A restart (the channel's own handler threw) keeps the channel open: only the children stop, to be spawned again
    /// by PreStart, and calls queue meanwhile (the old picker points at subchannels that stop). Akka's default would
    /// run PostStop, which is the channel's final SHUTDOWN. Subscribers are kept in the runtime, so they stay.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        ChannelLog.ChannelRestarting(_runtime.Logger, reason, _runtime.ChannelId);
        _runtime.Slot.Publish(new QueuePicker("channel restarted"));
        foreach (var child in Context.GetChildren())
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }
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

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AddressesUpdated update:
                _runtime.Slot.ResolverError = null;
                var config = ApplyServiceConfig(update.ServiceConfigJson);
                _lastAddresses = new BalancerMessage.AddressesUpdated(update.Addresses, config.LoadBalancingPolicy ?? Policies.PickFirst, config.LoadBalancingPolicyConfig);
                _balancer.Tell(_lastAddresses);
                break;
            case BalancerRestarted:
                // The old picker points at stopped subchannels: queue calls until the new balancer publishes.
                _runtime.Slot.Publish(new QueuePicker("balancer restarted"));
                SetState(ConnectivityState.Connecting, "balancer restarted");
                if (_lastAddresses is not null)
                {
                    _balancer.Tell(_lastAddresses);
                }

                _resolverActor.Tell(ResolverMessage.ResolveNow.Instance);
                break;
            case ResolverError error:
                _runtime.Slot.ResolverError = error.Error;
                _balancer.Tell(new BalancerMessage.ResolverError(error.Error));
                break;
            case PickerUpdated update:
                _runtime.Slot.Publish(update.Picker);
                SetState(update.State, update.Picker.Error ?? "picker updated");
                break;
            case ResolveNow:
                _resolverActor.Tell(ResolverMessage.ResolveNow.Instance);
                break;
            case ExitIdle:
                _balancer.Tell(BalancerMessage.ExitIdle.Instance);
                break;
            case SubscribeState subscribe:
                WatchSubscriber(subscribe.Subscriber);
                _stateSubscribers.Add(subscribe.Subscriber);
                subscribe.Subscriber.Tell(new ChannelStateChanged(_runtime.PreviousState, _runtime.State.State), Self);
                break;
            case UnsubscribeState unsubscribe:
                _stateSubscribers.Remove(unsubscribe.Subscriber);
                UnwatchIfUnsubscribed(unsubscribe.Subscriber);
                break;
            case SubscribeSubchannelTransitions subscribe:
                WatchSubscriber(subscribe.Subscriber);
                _transitionSubscribers.Add(subscribe.Subscriber);

                // Already added by ManagedChannel when it sent this; again here, in mailbox order, so that an earlier
                // Unsubscribe of the same subscriber processed just before does not leave it removed.
                _runtime.AddTransitionSubscriber(subscribe.Subscriber);
                break;
            case UnsubscribeSubchannelTransitions unsubscribe:
                RemoveTransitionSubscriber(unsubscribe.Subscriber);
                UnwatchIfUnsubscribed(unsubscribe.Subscriber);
                break;
            case SubscriberStopped stopped:
                _stateSubscribers.Remove(stopped.Subscriber);
                RemoveTransitionSubscriber(stopped.Subscriber);
                break;
            case ChildStopped stopped:
                // Supervision gave up on it (it kept failing, or could not start): without it the channel cannot
                // work, so calls fail now, naming why, instead of waiting on an actor that is gone.
                ChannelLog.ChildStopped(_runtime.Logger, _runtime.ChannelId, stopped.Child);
                _runtime.Slot.Publish(new FailurePicker(new Grpc.Core.Status(StatusCode.Unavailable, $"the channel's {stopped.Child} stopped after repeated failures")));
                SetState(ConnectivityState.TransientFailure, stopped.Child + " stopped");
                break;
            case Shutdown:
                _runtime.Slot.Close();
                SetState(ConnectivityState.Shutdown, "channel closed");
                Context.Unwatch(_balancer);
                Context.Unwatch(_resolverActor);
                Become(Closed);
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>After Shutdown: what is still in the mailbox is dropped while the children stop.</summary>
    private static void Closed(object message)
    {
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
        ChannelLog.ServiceConfigRejected(_runtime.Logger, _runtime.ChannelId, error, kept.LoadBalancingPolicy ?? Policies.PickFirst);
        return kept;
    }

    private void SetState(ConnectivityState state, string reason)
    {
        var old = _runtime.State.State;
        if (!_runtime.State.Set(state))
        {
            return;
        }

        _runtime.PreviousState = old;
        ChannelLog.ChannelTransition(_runtime.Logger, _runtime.ChannelId, old.ToSpecName(), state.ToSpecName(), reason);
        if (_stateSubscribers.Count == 0)
        {
            return;
        }

        var changed = new ChannelStateChanged(old, state);
        foreach (var subscriber in _stateSubscribers)
        {
            subscriber.Tell(changed, Self);
        }
    }

    /// <summary>One death watch per subscriber, whatever it subscribed to: Akka keeps one watch per pair of actors.</summary>
    private void WatchSubscriber(IActorRef subscriber)
    {
        if (!_stateSubscribers.Contains(subscriber) && !_transitionSubscribers.Contains(subscriber))
        {
            Context.WatchWith(subscriber, new SubscriberStopped(subscriber));
        }
    }

    private void UnwatchIfUnsubscribed(IActorRef subscriber)
    {
        if (!_stateSubscribers.Contains(subscriber) && !_transitionSubscribers.Contains(subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void RemoveTransitionSubscriber(IActorRef subscriber)
    {
        if (_transitionSubscribers.Remove(subscriber))
        {
            _runtime.RemoveTransitionSubscriber(subscriber);
        }
    }
}
