using Grpc.Core;
using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client.Balancing;

/// <summary>
/// A policy's subchannels by address, in resolver order, with the aggregate of their states. Applying a new
/// address list keeps the subchannels of addresses still present, makes new ones and shuts removed ones down.
/// </summary>
internal sealed class SubchannelList
{
    private readonly IBalancerHelper _helper;
    private readonly Dictionary<TransportAddress, Subchannel> _byAddress = new();
    private readonly AggregateStateEvaluator _evaluator = new();
    private List<Subchannel> _ordered = new();

    public SubchannelList(IBalancerHelper helper) => _helper = helper;

    public IReadOnlyList<Subchannel> Ordered => _ordered;

    public int Count => _ordered.Count;

    public ConnectivityState Aggregate => _evaluator.Aggregate;

    public bool Contains(Subchannel subchannel) =>
        _byAddress.TryGetValue(subchannel.Address, out var known) && ReferenceEquals(known, subchannel);

    /// <summary>True when <paramref name="addresses"/> (without duplicates) is the current list, in the same order.</summary>
    public bool IsSameAs(IReadOnlyList<TransportAddress> addresses)
    {
        if (addresses.Count != _ordered.Count)
        {
            return false;
        }

        for (int i = 0; i < addresses.Count; i++)
        {
            if (addresses[i] != _ordered[i].Address)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the subchannels that were created for new addresses.</summary>
    public List<Subchannel> Apply(IReadOnlyList<TransportAddress> addresses)
    {
        var wanted = new HashSet<TransportAddress>(addresses.Count);
        var ordered = new List<Subchannel>(addresses.Count);
        var created = new List<Subchannel>();
        foreach (var address in addresses)
        {
            if (!wanted.Add(address))
            {
                continue;
            }

            if (!_byAddress.TryGetValue(address, out var sc))
            {
                sc = _helper.CreateSubchannel(address);
                _byAddress.Add(address, sc);
                _evaluator.Record(sc.Id, ConnectivityState.Idle);
                created.Add(sc);
            }

            ordered.Add(sc);
        }

        if (_byAddress.Count != wanted.Count)
        {
            foreach (var sc in _ordered)
            {
                if (!wanted.Contains(sc.Address))
                {
                    Remove(sc, "address removed by the resolver");
                }
            }
        }

        _ordered = ordered;
        return created;
    }

    /// <summary>Records a reported state; returns false for a subchannel this list no longer has.</summary>
    public bool Record(Subchannel subchannel, ConnectivityState state)
    {
        if (!Contains(subchannel))
        {
            return false;
        }

        subchannel.State = state;
        _evaluator.Record(subchannel.Id, state);
        return true;
    }

    /// <summary>
    /// Asks an IDLE subchannel to connect and counts it as CONNECTING right away: it cannot leave IDLE any other
    /// way, and the aggregate should not report IDLE while the attempt is on its way.
    /// </summary>
    public void Connect(Subchannel subchannel)
    {
        if (subchannel.State == ConnectivityState.Idle && Contains(subchannel))
        {
            Record(subchannel, ConnectivityState.Connecting);
        }

        subchannel.Connect();
    }

    /// <summary>
    /// Every subchannel but <paramref name="keep"/> that holds a connection or an attempt (CONNECTING, READY) is
    /// replaced by a fresh IDLE one for the same address: that connection or attempt ends, and it is there for the
    /// next pass. TRANSIENT_FAILURE ones are kept: their backoff lives in them, and a fresh one would have none, so
    /// a connection that closed before SETTINGS (READY -> TRANSIENT_FAILURE, a new pass) would retry their address
    /// at once: two such addresses took turns with no delay at all (connection-backoff.md: each failed address
    /// waits its backoff). IDLE ones are kept too (cheap with many addresses), unless they still count as
    /// TRANSIENT_FAILURE (sticky, backoff over): see <see cref="Renew"/>.
    /// </summary>
    public void DisconnectAllBut(Subchannel keep, string reason)
    {
        foreach (var sc in _ordered.ToArray())
        {
            bool holdsNothing = sc.State == ConnectivityState.TransientFailure || (sc.State == ConnectivityState.Idle && !IsStickyFailure(sc));
            if (!ReferenceEquals(sc, keep) && !holdsNothing)
            {
                Renew(sc, reason);
            }
        }
    }

    /// <summary>True when an IDLE subchannel still counts as TRANSIENT_FAILURE in the aggregate (its backoff ended).</summary>
    public bool IsStickyFailure(Subchannel subchannel) =>
        subchannel.State == ConnectivityState.Idle && _evaluator.EffectiveState(subchannel.Id) == ConnectivityState.TransientFailure;

    /// <summary>
    /// Replaces a subchannel by a fresh IDLE one for the same address. For an IDLE one whose backoff has ended nothing
    /// is lost but its sticky TRANSIENT_FAILURE, which pick_first must shed once it no longer tries addresses: left
    /// alone, it makes the aggregate TRANSIENT_FAILURE when the selected connection goes, and the failure picker
    /// never asks the idle policy to reconnect.
    /// </summary>
    public void Renew(Subchannel sc, string reason)
    {
        int i = _ordered.IndexOf(sc);
        if (i < 0)
        {
            return;
        }

        Remove(sc, reason);
        var fresh = _helper.CreateSubchannel(sc.Address);
        _byAddress.Add(sc.Address, fresh);
        _evaluator.Record(fresh.Id, ConnectivityState.Idle);
        var ordered = new List<Subchannel>(_ordered);
        ordered[i] = fresh;
        _ordered = ordered;
    }

    public void Clear(string reason)
    {
        foreach (var sc in _ordered)
        {
            Remove(sc, reason);
        }

        _ordered = new List<Subchannel>();
    }

    private void Remove(Subchannel sc, string reason)
    {
        _byAddress.Remove(sc.Address);
        _evaluator.Remove(sc.Id);
        _helper.ShutdownSubchannel(sc, reason);
    }
}
