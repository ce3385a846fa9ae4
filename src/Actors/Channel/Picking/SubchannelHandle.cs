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
    private int _state;

    public SubchannelHandle(long id, TransportAddress address, Action? requestConnect = null)
    {
        Id = id;
        Address = address;
        RequestConnect = requestConnect ?? (static () => { });
    }

    public long Id { get; }

    public TransportAddress Address { get; }

    /// <summary>Asks the owner to start connecting (pick_first's idle picker uses it). Thread-safe: it only Tells.</summary>
    public Action RequestConnect { get; }

    /// <summary>The transport to send calls on, or null when the subchannel is not READY.</summary>
    public IClientTransport? ReadyTransport => Volatile.Read(ref _readyTransport);

    public ConnectivityState State => (ConnectivityState)Volatile.Read(ref _state);

    /// <summary>Only the owning subchannel actor calls this.</summary>
    public void Publish(ConnectivityState state, IClientTransport? readyTransport)
    {
        Volatile.Write(ref _readyTransport, state == ConnectivityState.Ready ? readyTransport : null);
        Volatile.Write(ref _state, (int)state);
    }

    public override string ToString() => $"subchannel {Id} {Address} {State.ToSpecName()}";
}
