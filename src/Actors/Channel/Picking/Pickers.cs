using Grpc.Core;
using ActorChannel.Transport;

namespace ActorChannel.Client.Picking;

/// <summary>Nothing to pick yet (connecting, no addresses yet): every call waits for the next picker.</summary>
internal sealed class QueuePicker : Picker
{
    public QueuePicker(string? reason = null) => Error = reason;

    public static QueuePicker Instance { get; } = new();

    public override string? Error { get; }

    public override PickResult Pick(in PickInfo info) => PickResult.Queue;
}

/// <summary>TRANSIENT_FAILURE: fail-fast calls fail with the last connection error; wait-for-ready calls wait.</summary>
internal sealed class FailurePicker : Picker
{
    private readonly Status _status;

    public FailurePicker(Status status) => _status = status;

    public override string? Error => _status.Detail;

    public override PickResult Pick(in PickInfo info) => PickResult.Fail(_status);
}

/// <summary>Every call ends with this status (the channel is closed, or a policy drops calls).</summary>
internal sealed class DropPicker : Picker
{
    private readonly Status _status;

    public DropPicker(Status status) => _status = status;

    public override string? Error => _status.Detail;

    public override PickResult Pick(in PickInfo info) => PickResult.Drop(_status);
}

/// <summary>pick_first when READY: always the one connected subchannel.</summary>
internal sealed class SinglePicker : Picker
{
    private readonly SubchannelHandle _subchannel;

    public SinglePicker(SubchannelHandle subchannel) => _subchannel = subchannel;

    public override PickResult Pick(in PickInfo info) => PickResult.Complete(_subchannel);
}

/// <summary>
/// pick_first after losing READY: nothing connects until a call needs it; the first pick asks the
/// balancer to reconnect (once per picker) and waits for the picker that follows.
/// </summary>
internal sealed class IdlePicker : Picker
{
    private readonly Action _connect;
    private int _requested;

    public IdlePicker(Action connect) => _connect = connect;

    public bool ConnectRequested => Volatile.Read(ref _requested) != 0;

    public override PickResult Pick(in PickInfo info)
    {
        if (Volatile.Read(ref _requested) == 0 && Interlocked.Exchange(ref _requested, 1) == 0)
        {
            _connect();
        }

        return PickResult.Queue;
    }
}

/// <summary>
/// round_robin over the READY subchannels: an atomic counter indexes an array no one writes below the picker's
/// count, so a pick is one Interlocked.Increment and allocates nothing.
/// </summary>
internal sealed class RoundRobinPicker : Picker
{
    private readonly SubchannelHandle[] _ready;
    private readonly uint _count;
    private int _next;

    /// <param name="ready">Not empty; the picker keeps it, so the caller must not change it.</param>
    /// <param name="start">Where the rotation starts (random per picker, so channels do not all hit the first backend).</param>
    public RoundRobinPicker(SubchannelHandle[] ready, int start)
        : this(ready, ready.Length, start)
    {
    }

    /// <param name="ready">Shared with later pickers, which may append past <paramref name="count"/>; this one reads only below it.</param>
    /// <param name="count">How many of <paramref name="ready"/> this picker rotates over; at least one.</param>
    /// <param name="start">Where the rotation starts (random per picker, so channels do not all hit the first backend).</param>
    public RoundRobinPicker(SubchannelHandle[] ready, int count, int start)
    {
        if (count <= 0 || count > ready.Length)
        {
            throw new ArgumentException($"A round-robin picker needs at least one READY subchannel, and at most the {ready.Length} given (asked for {count}).", nameof(count));
        }

        _ready = ready;
        _count = (uint)count;
        _next = start - 1;
    }

    public int Count => (int)_count;

    public override PickResult Pick(in PickInfo info)
    {
        uint i = (uint)Interlocked.Increment(ref _next);
        return PickResult.Complete(_ready[i % _count]);
    }
}
