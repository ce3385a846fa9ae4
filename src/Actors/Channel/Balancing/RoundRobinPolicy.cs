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
    private long[] _publishedReady = [];
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
            var ready = new List<SubchannelHandle>(Subchannels.Count);
            foreach (var sc in Subchannels.Ordered)
            {
                if (sc.State == ConnectivityState.Ready)
                {
                    ready.Add(sc.Handle);
                }
            }

            if (!force && _publishedState == state && SameIds(ready))
            {
                return;
            }

            _publishedReady = ready.Select(h => h.Id).ToArray();
            _publishedState = state;
            Helper.UpdateState(state, new RoundRobinPicker(ready.ToArray(), (int)(Helper.NextRandom() * ready.Count)));
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

    private bool SameIds(List<SubchannelHandle> ready)
    {
        if (ready.Count != _publishedReady.Length)
        {
            return false;
        }

        for (int i = 0; i < ready.Count; i++)
        {
            if (ready[i].Id != _publishedReady[i])
            {
                return false;
            }
        }

        return true;
    }
}
