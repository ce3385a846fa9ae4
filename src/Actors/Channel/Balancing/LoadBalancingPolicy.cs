using Grpc.Core;
using System.Text.Json;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;

namespace ActorChannel.Client.Balancing;

/// <summary>A subchannel as a policy sees it: its handle, and the last state it reported.</summary>
internal sealed class Subchannel
{
    public Subchannel(SubchannelHandle handle, Action connect)
    {
        Handle = handle;
        ConnectAction = connect;
    }

    public SubchannelHandle Handle { get; }

    public long Id => Handle.Id;

    public TransportAddress Address => Handle.Address;

    /// <summary>The last state the subchannel reported (raw, before the sticky-TF rule).</summary>
    public ConnectivityState State { get; set; } = ConnectivityState.Idle;

    private Action ConnectAction { get; }

    public void Connect() => ConnectAction();
}

/// <summary>What a policy may do; implemented by the balancer actor (grpc-go's balancer.ClientConn).</summary>
internal interface IBalancerHelper
{
    Subchannel CreateSubchannel(TransportAddress address);

    /// <summary>Removes the subchannel: it goes SHUTDOWN and its transport closes gracefully.</summary>
    void ShutdownSubchannel(Subchannel subchannel, string reason);

    /// <summary>Publishes the aggregate state and the picker that goes with it.</summary>
    void UpdateState(ConnectivityState state, Picker picker);

    /// <summary>
    /// Runs <paramref name="flush"/> once the messages already in the balancer's mailbox are handled, however many
    /// times it is asked before: a burst of N state changes then builds one picker, not N.
    /// </summary>
    void RequestFlush(Action flush);

    /// <summary>Uniform in [0, 1).</summary>
    double NextRandom();

    /// <summary>Asks the balancer actor to call <see cref="LoadBalancingPolicy.ExitIdle"/> (thread-safe: a Tell).</summary>
    Action RequestExitIdle { get; }
}

/// <summary>
/// A load-balancing policy. Runs inside the balancer actor, one message at a time, so it keeps plain fields.
/// </summary>
internal abstract class LoadBalancingPolicy
{
    protected LoadBalancingPolicy(IBalancerHelper helper) => Helper = helper;

    protected IBalancerHelper Helper { get; }

    public abstract void UpdateAddresses(IReadOnlyList<TransportAddress> addresses, JsonElement? config);

    public abstract void ResolverError(string error);

    public abstract void SubchannelStateChanged(Subchannel subchannel, ConnectivityState state, string? error);

    public abstract void ExitIdle();

    /// <summary>Shuts down every subchannel (a policy switch).</summary>
    public abstract void Shutdown();
}

/// <summary>The built-in policies by name.</summary>
internal static class Policies
{
    public const string PickFirst = "pick_first";
    public const string RoundRobin = "round_robin";

    public static bool IsKnown(string name) => name is PickFirst or RoundRobin;

    public static LoadBalancingPolicy Create(string name, IBalancerHelper helper) => name switch
    {
        PickFirst => new PickFirstPolicy(helper),
        RoundRobin => new RoundRobinPolicy(helper),
        _ => throw new ArgumentException($"Unknown load-balancing policy \"{name}\"; known: {PickFirst}, {RoundRobin}.", nameof(name)),
    };
}
