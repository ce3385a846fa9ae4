using Grpc.Core;

namespace ActorChannel.Client.Connectivity;

/// <summary>
/// The balancer's aggregate of its subchannels' states: any READY → READY; else any CONNECTING → CONNECTING;
/// else any IDLE → IDLE; else TRANSIENT_FAILURE (also with none). SHUTDOWN subchannels do not count.
/// A subchannel that reached TRANSIENT_FAILURE keeps counting as TRANSIENT_FAILURE while it cycles through
/// IDLE and CONNECTING until it is READY again ("sticky TF"): otherwise many dead backends would keep the
/// channel CONNECTING forever and fail-fast calls would wait instead of failing.
/// Not thread-safe: it lives inside one actor.
/// </summary>
public sealed class AggregateStateEvaluator
{
    private readonly Dictionary<long, ConnectivityState> _effective = new();
    private int _ready;
    private int _connecting;
    private int _idle;
    private int _transientFailure;

    public int Count => _effective.Count;

    public ConnectivityState Aggregate =>
        _ready > 0 ? ConnectivityState.Ready
        : _connecting > 0 ? ConnectivityState.Connecting
        : _idle > 0 ? ConnectivityState.Idle
        : ConnectivityState.TransientFailure;

    /// <summary>The state this subchannel counts as (after the sticky-TF rule), or null if unknown.</summary>
    public ConnectivityState? EffectiveState(long subchannelId) =>
        _effective.TryGetValue(subchannelId, out var s) ? s : null;

    /// <summary>Records a subchannel's raw new state and returns the new aggregate.</summary>
    public ConnectivityState Record(long subchannelId, ConnectivityState raw)
    {
        if (raw == ConnectivityState.Shutdown)
        {
            return Remove(subchannelId);
        }

        if (_effective.TryGetValue(subchannelId, out var old))
        {
            if (old == ConnectivityState.TransientFailure && raw is ConnectivityState.Idle or ConnectivityState.Connecting)
            {
                return Aggregate;
            }

            Tally(old, -1);
        }

        _effective[subchannelId] = raw;
        Tally(raw, +1);
        return Aggregate;
    }

    public ConnectivityState Remove(long subchannelId)
    {
        if (_effective.Remove(subchannelId, out var old))
        {
            Tally(old, -1);
        }

        return Aggregate;
    }

    /// <summary>Recomputes from scratch; the invariant checks of the tests compare against this.</summary>
    public static ConnectivityState Evaluate(IEnumerable<ConnectivityState> effectiveStates)
    {
        bool connecting = false, idle = false;
        foreach (var s in effectiveStates)
        {
            switch (s)
            {
                case ConnectivityState.Ready: return ConnectivityState.Ready;
                case ConnectivityState.Connecting: connecting = true; break;
                case ConnectivityState.Idle: idle = true; break;
            }
        }

        return connecting ? ConnectivityState.Connecting : idle ? ConnectivityState.Idle : ConnectivityState.TransientFailure;
    }

    private void Tally(ConnectivityState state, int delta)
    {
        switch (state)
        {
            case ConnectivityState.Ready: _ready += delta; break;
            case ConnectivityState.Connecting: _connecting += delta; break;
            case ConnectivityState.Idle: _idle += delta; break;
            case ConnectivityState.TransientFailure: _transientFailure += delta; break;
        }
    }
}
