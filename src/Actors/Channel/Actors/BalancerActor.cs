using ActorChannel.Client.Balancing;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Client.Protocol;
using ActorChannel.Kernel;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.BalancerMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// Hosts the load-balancing policy (grpc-go's balancer wrapper): owns the subchannel actors as children, feeds
/// the policy one message at a time, and forwards its pickers to the channel. Switches policy when the service
/// config names another.
/// </summary>
internal sealed class BalancerActor : Actor<BalancerMessage>, IBalancerHelper
{
    private readonly ChannelRuntime _runtime;
    private readonly ActorRef<ChannelMessage> _channel;
    private readonly Dictionary<long, (Subchannel Subchannel, ActorRef<SubchannelMessage> Ref)> _subchannels = new();
    private LoadBalancingPolicy? _policy;
    private string? _policyName;
    private Action? _requestExitIdle;
    private Action? _pendingFlush;

    public BalancerActor(ChannelRuntime runtime, ActorRef<ChannelMessage> channel)
    {
        _runtime = runtime;
        _channel = channel;
    }

    public Action RequestExitIdle => _requestExitIdle ??= CreateExitIdle(Context.Self);

    public static Props<BalancerMessage> Props(ChannelRuntime runtime, ActorRef<ChannelMessage> channel) =>
        Props<BalancerMessage>.Create(() => new BalancerActor(runtime, channel))
            .WithSupervisorStrategy(SupervisorStrategy.Default);

    public Subchannel CreateSubchannel(TransportAddress address)
    {
        long id = _runtime.NextSubchannelId();
        var self = Context.Self;
        ActorRef<SubchannelMessage>? child = null;
        var handle = new SubchannelHandle(id, address, () => self.Tell(new ExitIdle()), () =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            child!.Tell(new SubchannelMessage.Sync(done));
            return done.Task;
        });
        child = Context.Spawn(SubchannelActor.Props(_runtime, handle, self), "subchannel-" + id);
        var subchannel = new Subchannel(handle, () => child.Tell(new SubchannelMessage.Connect()));
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
            Context.Self.Tell(new Flush());
        }

        _pendingFlush = flush;
    }

    protected override void Receive(BalancerMessage message)
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
                    UpdateState(ConnectivityState.TransientFailure, new FailurePicker(new Status(StatusCode.Unavailable, "no addresses: " + error.Error)));
                }

                break;
            case SubConnStateChanged changed when _subchannels.TryGetValue(changed.SubchannelId, out var entry):
                var old = entry.Subchannel.State;
                _policy?.SubchannelStateChanged(entry.Subchannel, changed.State, changed.Error);
                if (changed.State == ConnectivityState.TransientFailure || (old == ConnectivityState.Ready && changed.State == ConnectivityState.Idle))
                {
                    _channel.Tell(new ChannelMessage.ResolveNow());
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
        }
    }

    protected override void PreRestart(Exception reason, object? message)
    {
        // The kernel stops the subchannels; their handles must not linger in the channel's list.
        foreach (var id in _subchannels.Keys)
        {
            _runtime.Unregister(id);
        }

        _runtime.Logger.LogError(reason, "Channel {ChannelId}: the balancer failed and restarts", _runtime.ChannelId);
    }

    protected override void PostRestart(Exception reason) => _channel.Tell(new ChannelMessage.BalancerRestarted());

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
            _runtime.Logger.LogInformation("Channel {ChannelId}: load-balancing policy {From} -> {To}", _runtime.ChannelId, _policyName, name);
            _policy.Shutdown();
        }

        // A flush the old policy asked for must not publish its picker over the new policy's.
        _pendingFlush = null;

        _policy = Policies.Create(name, this);
        _policyName = name;
    }

    private static Action CreateExitIdle(ActorRef<BalancerMessage> self) => () => self.Tell(new ExitIdle());
}
