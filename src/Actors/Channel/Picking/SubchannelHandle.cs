using Grpc.Core;
using ActorChannel.Client.Connectivity;
using ActorChannel.Transport;

namespace ActorChannel.Client.Picking;

/// <summary>
/// What a picker hands out: one subchannel's identity and, while it is READY, its live transport.
/// The subchannel actor publishes the transport here (an immutable reference written with Volatile)
/// so a call goes straight to the connection without a mailbox hop.
/// </summary>
internal sealed class SubchannelHandle
{
    private IClientTransport? _readyTransport;
    private readonly Func<Task> _sync;
    private int _state;
    private int _generation;

    public SubchannelHandle(long id, TransportAddress address, Action? requestConnect = null, Func<Task>? sync = null)
    {
        Id = id;
        Address = address;
        RequestConnect = requestConnect ?? (static () => { });
        _sync = sync ?? (static () => Task.CompletedTask);
    }

    public long Id { get; }

    public TransportAddress Address { get; }

    /// <summary>Asks the owner to start connecting (pick_first's idle picker uses it). Thread-safe: it only Tells.</summary>
    public Action RequestConnect { get; }

    /// <summary>
    /// Completes once the owner has handled every connection event told to it before this call, so a caller that
    /// saw a transport misbehave can tell "the subchannel has not heard yet" from "the subchannel still trusts it".
    /// </summary>
    public Task SyncAsync() => _sync();

    /// <summary>The transport to send calls on, or null when the subchannel is not READY.</summary>
    public IClientTransport? ReadyTransport => Volatile.Read(ref _readyTransport);

    public ConnectivityState State => (ConnectivityState)Volatile.Read(ref _state);

    /// <summary>
    /// The next connect attempt's number. Kept here, not in the actor, so a restarted actor never reuses the number
    /// of an attempt whose late results are still in its mailbox. Only the owning subchannel actor calls this.
    /// </summary>
    public int NextGeneration() => Interlocked.Increment(ref _generation);

    /// <summary>Only the owning subchannel actor calls this.</summary>
    public void Publish(ConnectivityState state, IClientTransport? readyTransport)
    {
        Volatile.Write(ref _readyTransport, state == ConnectivityState.Ready ? readyTransport : null);
        Volatile.Write(ref _state, (int)state);
    }

    public override string ToString() => $"subchannel {Id} {Address} {State.ToSpecName()}";
}
