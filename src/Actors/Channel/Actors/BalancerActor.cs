using Grpc.Core;
using ActorChannel.Client.Logging;
using ActorChannel.Client.Balancing;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Client.Protocol;
using ActorChannel.Transport;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.BalancerMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// Hosts the load-balancing policy (grpc-go's balancer wrapper): owns the subchannel actors as children, feeds
/// the policy one message at a time, and forwards its pickers to the channel. Switches policy when the service
/// config names another.
/// </summary>
internal sealed class BalancerActor : ChannelActorBase, IBalancerHelper
{
    private readonly ChannelRuntime _runtime;
    private readonly IActorRef _channel;
    private readonly Dictionary<long, (Subchannel Subchannel, IActorRef Ref)> _subchannels = new();
    private LoadBalancingPolicy? _policy;
    private string? _policyName;
    private Action? _requestExitIdle;
    private Action? _pendingFlush;

    public BalancerActor(ChannelRuntime runtime, IActorRef channel)
        : base(runtime)
    {
        _runtime = runtime;
        _channel = channel;
    }

    public Action RequestExitIdle => _requestExitIdle ??= CreateExitIdle(Self);

    public static Props Props(ChannelRuntime runtime, IActorRef channel) =>
        ActorProps.Of(() => new BalancerActor(runtime, channel));

    public Subchannel CreateSubchannel(TransportAddress address)
    {
        long id = _runtime.NextSubchannelId();
        var self = Self;
        IActorRef? child = null;
        var handle = new SubchannelHandle(id, address, () => self.Tell(ExitIdle.Instance), () =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            child!.Tell(new SubchannelMessage.Sync(done));
            return done.Task;
        });
        child = Spawn(SubchannelActor.Props(_runtime, handle, self), "subchannel-" + id);
        var subchannel = new Subchannel(handle, () => child.Tell(SubchannelMessage.Connect.Instance));
        _subchannels.Add(id, (subchannel, child));
        _runtime.Register(handle);
        return subchannel;
    }

    public void ShutdownSubchannel(Subchannel subchannel, string reason)
    {
        if (_subchannels.Remove(subchannel.Id, out var entry))
        {
            _runtime.Unregister(subchannel.Id);
            entry.Ref.Tell(new SubchannelMessage.Shutdown(reason));
        }
    }

    public void UpdateState(ConnectivityState state, Picker picker) =>
        _channel.Tell(new ChannelMessage.PickerUpdated(state, picker));

    public double NextRandom() => _runtime.Random();

    public void RequestFlush(Action flush)
    {
        if (_pendingFlush is null)
        {
            Self.Tell(Flush.Instance);
        }

        _pendingFlush = flush;
    }

    /// <summary>A subchannel that throws is restarted and comes back IDLE, and tells this actor so.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => ChannelSupervision.RestartChildren;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AddressesUpdated update:
                if (update.Policy != _policyName)
                {
                    SwitchPolicy(update.Policy);
                }

                _policy!.UpdateAddresses(update.Addresses, update.PolicyConfig);
                break;
            case ResolverError error:
                _policy?.ResolverError(error.Error);
                if (_policy is null)
                {
                    // Nothing resolved yet: there is no policy to ask, so fail fast calls here.
                    UpdateState(ConnectivityState.TransientFailure, new FailurePicker(new Grpc.Core.Status(StatusCode.Unavailable, "no addresses: " + error.Error)));
                }

                break;
            case SubConnStateChanged changed when _subchannels.TryGetValue(changed.SubchannelId, out var entry):
                var old = entry.Subchannel.State;
                _policy?.SubchannelStateChanged(entry.Subchannel, changed.State, changed.Error);
                if (changed.State == ConnectivityState.TransientFailure || (old == ConnectivityState.Ready && changed.State == ConnectivityState.Idle))
                {
                    _channel.Tell(ChannelMessage.ResolveNow.Instance);
                }

                break;
            case ExitIdle:
                _policy?.ExitIdle();
                break;
            case Flush:
                var flush = _pendingFlush;
                _pendingFlush = null;
                flush?.Invoke();
                break;
            case SubConnStateChanged:
                // From a subchannel this balancer already shut down: its last words.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PreRestart(Exception reason, object message)
    {
        ChannelLog.BalancerRestarting(_runtime.Logger, reason, _runtime.ChannelId);

        // Akka's own: stop every subchannel, then PostStop (which takes their handles off the channel's list).
        base.PreRestart(reason, message);
    }

    /// <summary>The fresh instance has no policy and no subchannels: the channel replays the latest addresses.</summary>
    protected override void PostRestart(Exception reason) => _channel.Tell(ChannelMessage.BalancerRestarted.Instance);

    protected override void PostStop()
    {
        foreach (var id in _subchannels.Keys)
        {
            _runtime.Unregister(id);
        }
    }

    private void SwitchPolicy(string name)
    {
        if (_policy is not null)
        {
            ChannelLog.PolicySwitched(_runtime.Logger, _runtime.ChannelId, _policyName, name);
            _policy.Shutdown();
        }

        // A flush the old policy asked for must not publish its picker over the new policy's.
        _pendingFlush = null;

        _policy = Policies.Create(name, this);
        _policyName = name;
    }

    private static Action CreateExitIdle(IActorRef self) => () => self.Tell(ExitIdle.Instance);
}
