using Grpc.Core;
using System.Text.Json;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;

namespace ActorChannel.Client.Balancing;

/// <summary>
/// pick_first: tries the addresses in order, one at a time, and sends every call to the first that connects.
/// When a whole pass fails the state is TRANSIENT_FAILURE (sticky) and each subchannel reconnects as its backoff
/// ends. When the chosen connection is lost the policy goes IDLE and reconnects only when a call needs it.
/// </summary>
internal sealed class PickFirstPolicy(IBalancerHelper helper) : SubchannelListPolicy(helper)
{
    private Subchannel? _selected;
    private int _index;
    private bool _idle;
    private (ConnectivityState State, Subchannel? Selected)? _published;

    public override void UpdateAddresses(IReadOnlyList<TransportAddress> addresses, JsonElement? config)
    {
        if (addresses.Count == 0)
        {
            _selected = null;
            RemoveAllAddresses();
            return;
        }

        if (Subchannels.IsSameAs(addresses))
        {
            // Re-resolution (after every failed pass) usually returns the same list: nothing to restart.
            return;
        }

        Subchannels.Apply(addresses);
        if (_selected is not null && !Subchannels.Contains(_selected))
        {
            _selected = null;
        }

        if (_selected is null && !_idle)
        {
            StartPass();
        }

        Publish(force: false);
    }

    public override void SubchannelStateChanged(Subchannel subchannel, ConnectivityState state, string? error)
    {
        if (!Record(subchannel, state, error))
        {
            return;
        }

        if (state == ConnectivityState.TransientFailure && ReferenceEquals(subchannel, _selected))
        {
            // READY -> TRANSIENT_FAILURE (closed before the server's SETTINGS) is a failed attempt, not a lost
            // connection: a new pass. Kept selected, its IDLE after the backoff was taken for a lost connection and
            // made the policy wait for a call to exit IDLE, while sticky TRANSIENT_FAILURE kept up the failure picker,
            // which never asks: no attempt ever again. The pass starts at the first address, not after this one: the
            // IDLE rule below reads "the pass failed" from the sticky aggregate, which holds only for passes that
            // tried every address (one started midway leaves fresh subchannels that make the aggregate CONNECTING).
            // Addresses still in their backoff are skipped by the pass (as grpc-go's pick_first does): if none is left
            // the pass has failed at once, and each address retries as its own backoff ends (the IDLE rule below).
            _selected = null;
            StartPass();
            Publish(force: true);
            return;
        }

        switch (state)
        {
            case ConnectivityState.Ready:
                _selected ??= subchannel;
                _idle = false;

                // One connection only (as grpc-go): the others' connections and attempts end now.
                Subchannels.DisconnectAllBut(_selected, $"pick_first uses {_selected.Address}");
                break;
            case ConnectivityState.Idle when ReferenceEquals(subchannel, _selected):
                _selected = Subchannels.Ordered.FirstOrDefault(s => s.State == ConnectivityState.Ready);
                _idle = _selected is null;
                break;
            case ConnectivityState.Idle when (_selected is not null || _idle) && Subchannels.IsStickyFailure(subchannel):
                // Backoff over while pick_first is not trying addresses (it has a connection, or waits for a call):
                // nothing to keep but the sticky TRANSIENT_FAILURE, which would hide the IDLE picker (see Renew).
                Subchannels.Renew(subchannel, "backoff ended while pick_first is not trying addresses");
                break;
            case ConnectivityState.Idle when _selected is null && !_idle && Subchannels.Aggregate == ConnectivityState.TransientFailure:
                // The pass has failed: every subchannel now reconnects as soon as its backoff ends.
                Subchannels.Connect(subchannel);
                break;
            case ConnectivityState.TransientFailure when _selected is null && _index < Subchannels.Count && ReferenceEquals(Subchannels.Ordered[_index], subchannel):
                ConnectFrom(_index + 1);
                break;
        }

        Publish(force: error is not null);
    }

    public override void ExitIdle()
    {
        if (_idle || (_selected is null && Subchannels.Aggregate == ConnectivityState.Idle))
        {
            _idle = false;
            StartPass();
            Publish(force: false);
        }
    }

    public override void Shutdown()
    {
        Subchannels.Clear("load-balancing policy changed");
        _selected = null;
    }

    private void StartPass() => ConnectFrom(0);

    private void ConnectFrom(int start)
    {
        var ordered = Subchannels.Ordered;
        for (int i = start; i < ordered.Count; i++)
        {
            var sc = ordered[i];
            // TRANSIENT_FAILURE: in its backoff, which a pass must not cut short; the pass moves on to the next address.
            if (sc.State is ConnectivityState.Idle or ConnectivityState.Connecting)
            {
                _index = i;
                Subchannels.Connect(sc);
                return;
            }
        }

        // The pass is over. Subchannels whose backoff ended while later ones were tried are IDLE: retry them now.
        _index = ordered.Count;
        foreach (var sc in ordered)
        {
            if (sc.State == ConnectivityState.Idle)
            {
                Subchannels.Connect(sc);
            }
        }
    }

    protected override void Publish(bool force)
    {
        var state = Subchannels.Count == 0 ? ConnectivityState.TransientFailure : Subchannels.Aggregate;
        var selected = state == ConnectivityState.Ready ? _selected ?? Subchannels.Ordered.First(s => s.State == ConnectivityState.Ready) : null;
        _selected = state == ConnectivityState.Ready ? selected : _selected;
        if (!force && _published == (state, selected))
        {
            return;
        }

        _published = (state, selected);
        Picker picker = state switch
        {
            ConnectivityState.Ready => new SinglePicker(selected!.Handle),
            ConnectivityState.Idle => new IdlePicker(Helper.RequestExitIdle),
            ConnectivityState.TransientFailure => new FailurePicker(new Status(StatusCode.Unavailable, LastError)),
            _ => QueuePicker.Instance,
        };
        Helper.UpdateState(state, picker);
    }
}
