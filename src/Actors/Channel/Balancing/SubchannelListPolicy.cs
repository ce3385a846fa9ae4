using Grpc.Core;
using ActorChannel.Client.Connectivity;

namespace ActorChannel.Client.Balancing;

/// <summary>
/// What pick_first and round_robin share: a <see cref="SubchannelList"/> diffed against each address update, and the
/// error their TRANSIENT_FAILURE picker fails fast calls with, fed by connection errors and, while there are no
/// addresses, by the resolver. Each policy decides what to connect and how to publish.
/// </summary>
internal abstract class SubchannelListPolicy : LoadBalancingPolicy
{
    protected SubchannelListPolicy(IBalancerHelper helper)
        : base(helper) => Subchannels = new SubchannelList(helper);

    protected SubchannelList Subchannels { get; }

    /// <summary>Why calls fail fast now: the latest connection error, or why there are no addresses.</summary>
    protected string LastError { get; private set; } = "no connection attempt has failed yet";

    /// <summary>A resolver error only matters while there is nothing to connect to (grpc-go keeps using good addresses).</summary>
    public sealed override void ResolverError(string error)
    {
        if (Subchannels.Count == 0)
        {
            LastError = "no addresses: " + error;
            Publish(force: true);
        }
    }

    /// <summary>Publishes the aggregate state and picker; <paramref name="force"/> publishes even if nothing changed (a new error).</summary>
    protected abstract void Publish(bool force);

    /// <summary>The resolver returned an empty list: every subchannel goes and the channel fails fast with that reason.</summary>
    protected void RemoveAllAddresses()
    {
        const string reason = "the resolver returned no addresses";
        Subchannels.Clear(reason);
        LastError = reason;
        Publish(force: true);
    }

    /// <summary>Records a subchannel's report; false when it is not (or no longer) one of ours, so the report is stale.</summary>
    protected bool Record(Subchannel subchannel, ConnectivityState state, string? error)
    {
        if (!Subchannels.Record(subchannel, state))
        {
            return false;
        }

        if (error is not null)
        {
            LastError = "last connection error: " + error;
        }

        return true;
    }
}
