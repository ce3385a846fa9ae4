using Grpc.Core;
using ActorChannel.Transport;

namespace ActorChannel.Client.Picking;

/// <summary>What a call tells the picker about itself.</summary>
internal readonly record struct PickInfo(string MethodFullName, bool WaitForReady);

internal enum PickKind : byte
{
    /// <summary>Use <see cref="PickResult.Subchannel"/>.</summary>
    Complete,

    /// <summary>Nothing usable yet: wait for the next picker.</summary>
    Queue,

    /// <summary>Connection failure: fail-fast calls end with <see cref="PickResult.Error"/>; wait-for-ready calls wait.</summary>
    Fail,

    /// <summary>End the call with <see cref="PickResult.Error"/> whatever its wait-for-ready setting (never retried).</summary>
    Drop,
}

internal readonly struct PickResult
{
    private PickResult(PickKind kind, SubchannelHandle? subchannel, Status error)
    {
        Kind = kind;
        Subchannel = subchannel;
        Error = error;
    }

    public static PickResult Queue => new(PickKind.Queue, null, default);

    public PickKind Kind { get; }

    public SubchannelHandle? Subchannel { get; }

    public Status Error { get; }

    public static PickResult Complete(SubchannelHandle subchannel) => new(PickKind.Complete, subchannel, default);

    public static PickResult Fail(Status error) => new(PickKind.Fail, null, error);

    public static PickResult Drop(Status error) => new(PickKind.Drop, null, error);
}

/// <summary>
/// Chooses a subchannel for a call. Immutable: the balancer publishes a new one for every change, and calls
/// read the current one without locks. <see cref="Pick"/> must be cheap and thread-safe.
/// </summary>
internal abstract class Picker
{
    public abstract PickResult Pick(in PickInfo info);

    /// <summary>The error behind this picker, quoted when a waiting call times out.</summary>
    public virtual string? Error => null;
}
