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
    private ConnectivityState? _publishedState;
    private SubchannelHandle[] _publishedReady = [];
    private bool _forceNext;
    private Action? _flush;

    public override void UpdateAddresses(IReadOnlyList<TransportAddress> addresses, JsonElement? config)
    {
        if (addresses.Count == 0)
        {
            RemoveAllAddresses();
            return;
        }

        foreach (var sc in Subchannels.Apply(addresses))
        {
            Subchannels.Connect(sc);
        }

        Publish(force: false);
    }

    public override void SubchannelStateChanged(Subchannel subchannel, ConnectivityState state, string? error)
    {
        if (!Record(subchannel, state, error))
        {
            return;
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
            // One array per picker and none when nothing changed: during a large update this runs once per burst of
            // READY reports, hundreds of times over thousands of subchannels.
            if (!force && _publishedState == state && SameReady())
            {
                return;
            }

            var ready = ReadyHandles();
            _publishedReady = ready;
            _publishedState = state;
            Helper.UpdateState(state, new RoundRobinPicker(ready, (int)(Helper.NextRandom() * ready.Length)));
            return;
        }

        // Outside READY only a state change (or a new error, via force) needs a new picker.
        if (!force && _publishedState == state && state != ConnectivityState.TransientFailure)
        {
            return;
        }

        _publishedState = state;
        _publishedReady = [];
        Helper.UpdateState(state, state == ConnectivityState.TransientFailure
            ? new FailurePicker(new Status(StatusCode.Unavailable, LastError))
            : QueuePicker.Instance);
    }

    private SubchannelHandle[] ReadyHandles()
    {
        int count = 0;
        foreach (var sc in Subchannels.Ordered)
        {
            count += sc.State == ConnectivityState.Ready ? 1 : 0;
        }

        var ready = new SubchannelHandle[count];
        int i = 0;
        foreach (var sc in Subchannels.Ordered)
        {
            if (sc.State == ConnectivityState.Ready)
            {
                ready[i++] = sc.Handle;
            }
        }

        return ready;
    }

    private bool SameReady()
    {
        int i = 0;
        foreach (var sc in Subchannels.Ordered)
        {
            if (sc.State != ConnectivityState.Ready)
            {
                continue;
            }

            if (i == _publishedReady.Length || !ReferenceEquals(_publishedReady[i], sc.Handle))
            {
                return false;
            }

            i++;
        }

        return i == _publishedReady.Length;
    }
}
