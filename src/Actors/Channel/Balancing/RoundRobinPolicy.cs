using Grpc.Core;
using System.Text.Json;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;

namespace ActorChannel.Client.Balancing;

/// <summary>
/// round_robin: a subchannel per address, all kept connected (IDLE ones reconnect at once); calls rotate over
/// the READY ones from a random start.
/// </summary>
internal sealed class RoundRobinPolicy(IBalancerHelper helper) : SubchannelListPolicy(helper)
{
    private readonly ReadyHandles _ready = new();
    private ConnectivityState? _publishedState;
    private bool _forceNext;
    private Action? _flush;

    public override void UpdateAddresses(IReadOnlyList<TransportAddress> addresses, JsonElement? config)
    {
        if (addresses.Count == 0)
        {
            RemoveAllAddresses();
            return;
        }

        int before = Subchannels.Count;
        var created = Subchannels.Apply(addresses);
        if (Subchannels.Count != before + created.Count)
        {
            // Some went, perhaps READY ones.
            _ready.Invalidate();
        }

        foreach (var sc in created)
        {
            Subchannels.Connect(sc);
        }

        Publish(force: false);
    }

    public override void SubchannelStateChanged(Subchannel subchannel, ConnectivityState state, string? error)
    {
        bool wasReady = subchannel.State == ConnectivityState.Ready;
        if (!Record(subchannel, state, error))
        {
            return;
        }

        if (!wasReady && state == ConnectivityState.Ready)
        {
            _ready.Add(subchannel.Handle);
        }
        else if (wasReady && state != ConnectivityState.Ready)
        {
            _ready.Invalidate();
        }

        if (state == ConnectivityState.Idle)
        {
            Subchannels.Connect(subchannel);
        }

        Publish(force: false);
    }

    public override void ExitIdle()
    {
        foreach (var sc in Subchannels.Ordered)
        {
            if (sc.State == ConnectivityState.Idle)
            {
                Subchannels.Connect(sc);
            }
        }
    }

    public override void Shutdown() => Subchannels.Clear("load-balancing policy changed");

    protected override void Publish(bool force)
    {
        // Building a picker is O(subchannels): with many of them reporting at once, build one per burst.
        _forceNext |= force;
        Helper.RequestFlush(_flush ??= Flush);
    }

    private void Flush()
    {
        bool force = _forceNext;
        _forceNext = false;
        var state = Subchannels.Count == 0 ? ConnectivityState.TransientFailure : Subchannels.Aggregate;
        if (state == ConnectivityState.Ready)
        {
            // During a large update this runs once per burst of READY reports, hundreds of times over thousands of
            // subchannels: nothing is built when nothing changed, and an append copies nothing (ReadyHandles).
            if (!force && _publishedState == state && !_ready.Changed)
            {
                return;
            }

            var (ready, count) = _ready.Snapshot(Subchannels.Ordered);
            _publishedState = state;
            Helper.UpdateState(state, new RoundRobinPicker(ready, count, (int)(Helper.NextRandom() * count)));
            return;
        }

        // Not READY: no subchannel is, whatever removed them (an empty list clears them without reports).
        _ready.Invalidate();

        // Outside READY only a state change (or a new error, via force) needs a new picker.
        if (!force && _publishedState == state && state != ConnectivityState.TransientFailure)
        {
            return;
        }

        _publishedState = state;
        Helper.UpdateState(state, state == ConnectivityState.TransientFailure
            ? new FailurePicker(new Status(StatusCode.Unavailable, LastError))
            : QueuePicker.Instance);
    }
}
