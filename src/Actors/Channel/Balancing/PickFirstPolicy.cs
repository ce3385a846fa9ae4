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
internal sealed class PickFirstPolicy : LoadBalancingPolicy
{
    private readonly SubchannelList _list;
    private Subchannel? _selected;
    private int _index;
    private bool _idle;
    private string _lastError = "no connection attempt has failed yet";
    private (ConnectivityState State, Subchannel? Selected)? _published;

    public PickFirstPolicy(IBalancerHelper helper)
        : base(helper) => _list = new SubchannelList(helper);

    public override void UpdateAddresses(IReadOnlyList<TransportAddress> addresses, JsonElement? config)
    {
        if (addresses.Count == 0)
        {
            _list.Clear("the resolver returned no addresses");
            _selected = null;
            _lastError = "the resolver returned no addresses";
            Publish(force: true);
            return;
        }

        if (_list.IsSameAs(addresses))
        {
            // Re-resolution (after every failed pass) usually returns the same list: nothing to restart.
            return;
        }

        _list.Apply(addresses);
        if (_selected is not null && !_list.Contains(_selected))
        {
            _selected = null;
        }

        if (_selected is null && !_idle)
        {
            StartPass();
        }

        Publish(force: false);
    }

    public override void ResolverError(string error)
    {
        if (_list.Count == 0)
        {
            _lastError = "no addresses: " + error;
            Publish(force: true);
        }
    }

    public override void SubchannelStateChanged(Subchannel subchannel, ConnectivityState state, string? error)
    {
        if (!_list.Record(subchannel, state))
        {
            return;
        }

        if (error is not null)
        {
            _lastError = "last connection error: " + error;
        }

        switch (state)
        {
            case ConnectivityState.Ready:
                _selected ??= subchannel;
                _idle = false;
                break;
            case ConnectivityState.Idle when ReferenceEquals(subchannel, _selected):
                _selected = _list.Ordered.FirstOrDefault(s => s.State == ConnectivityState.Ready);
                _idle = _selected is null;
                break;
            case ConnectivityState.Idle when _selected is null && !_idle && _list.Aggregate == ConnectivityState.TransientFailure:
                // The pass has failed: every subchannel now reconnects as soon as its backoff ends.
                _list.Connect(subchannel);
                break;
            case ConnectivityState.TransientFailure when _selected is null && _index < _list.Count && ReferenceEquals(_list.Ordered[_index], subchannel):
                ConnectFrom(_index + 1);
                break;
        }

        Publish(force: error is not null);
    }

    public override void ExitIdle()
    {
        if (_idle || (_selected is null && _list.Aggregate == ConnectivityState.Idle))
        {
            _idle = false;
            StartPass();
            Publish(force: false);
        }
    }

    public override void Shutdown()
    {
        _list.Clear("load-balancing policy changed");
        _selected = null;
    }

    private void StartPass() => ConnectFrom(0);

    private void ConnectFrom(int start)
    {
        var ordered = _list.Ordered;
        for (int i = start; i < ordered.Count; i++)
        {
            var sc = ordered[i];
            if (sc.State is ConnectivityState.Idle or ConnectivityState.Connecting)
            {
                _index = i;
                _list.Connect(sc);
                return;
            }
        }

        // The pass is over. Subchannels whose backoff ended while later ones were tried are IDLE: retry them now.
        _index = ordered.Count;
        foreach (var sc in ordered)
        {
            if (sc.State == ConnectivityState.Idle)
            {
                _list.Connect(sc);
            }
        }
    }

    private void Publish(bool force)
    {
        var state = _list.Count == 0 ? ConnectivityState.TransientFailure : _list.Aggregate;
        var selected = state == ConnectivityState.Ready ? _selected ?? _list.Ordered.First(s => s.State == ConnectivityState.Ready) : null;
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
            ConnectivityState.TransientFailure => new FailurePicker(new Status(StatusCode.Unavailable, _lastError)),
            _ => QueuePicker.Instance,
        };
        Helper.UpdateState(state, picker);
    }
}
