using Grpc.Core;
using Grpc.Net.Client;

namespace ActorChannel.Transport;

/// <summary>
/// One HTTP/2 connection over SocketsHttpHandler, with Grpc.Net.Client making the calls on it.
/// <see cref="ConnectAsync"/> dials the socket (and TLS) itself; the handler gets exactly that stream once
/// through ConnectCallback and is refused any other, so neither it nor Grpc.Net.Client can dial behind the
/// owner's back. Grpc.Net.Client sees a handler with its ConnectCallback already set, so its own resolver,
/// balancer and reconnect logic stay off: this transport is one of its "custom handler" channels.
/// </summary>
/// <remarks>
/// When it counts as connected: <see cref="ConnectionEvent.Connected"/> is raised once the socket (and the TLS
/// handshake, with the certificate validated) is up; <see cref="ConnectAsync"/> then makes the handler open its
/// HTTP/2 connection on it (preface and SETTINGS, with no request stream: see HandshakeAsync) and completes
/// after the server's first SETTINGS frame, raised as <see cref="ConnectionEvent.SettingsReceived"/>. From then
/// on the handler's read loop runs, so EOF, reset and GOAWAY are reported even on a connection that never
/// carried a call.
/// <para>
/// How it ends (<see cref="ConnectionEvent.Closed"/>, exactly once and last): EOF on the read path is
/// <see cref="CloseReason.EndOfStream"/>; a read error is <see cref="CloseReason.Reset"/>; Close, GracefulClose
/// or DisposeAsync is <see cref="CloseReason.LocalClose"/>. When the handler drops the connection by itself it
/// does not say why, so the reason is inferred: after a GOAWAY it is EndOfStream; with keepalive on and no
/// bytes from the server for the ping timeout it is <see cref="CloseReason.KeepAliveTimeout"/>; else Reset.
/// </para>
/// <para>
/// A server that does not speak HTTP/2 (first bytes not a SETTINGS frame) fails ConnectAsync. A GOAWAY or
/// the end of the connection make every later call fail fast with UNAVAILABLE marked not processed, without
/// touching the network; the handler's own attempt to open a second connection is refused in ConnectCallback.
/// Calls in flight when the connection dies report that loss as their cause ("connection to X lost: ..."),
/// also when the owner's Close (which usually follows) reaches them first; "closed by its owner" is kept for
/// a close the owner started on a healthy connection.
/// </para>
/// </remarks>
public sealed partial class HttpClientTransport : IClientTransport, IHttp2FrameSink
{
    private const int StateCreated = 0;
    private const int StateConnecting = 1;
    private const int StateReady = 2;
    private const int StateDraining = 3;
    private const int StateClosed = 4;

    private readonly Action<ConnectionEvent> _observer;
    private readonly object _gate = new();
    private readonly string _authority;
    private Stream? _pending;
    private CancellationTokenSource? _dialing;
    private Http2FrameObserverStream? _observed;
    private int _state;
    private int _activeCalls;
    private bool _closedEmitted;
    private bool _closingLocally;
    private bool _goAwaySeen;
    private string? _lostReason;
    private long _lastReadTimestamp;

    public HttpClientTransport(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer)
        : this(address, options, observer, null)
    {
    }

    /// <summary>
    /// With <paramref name="handlerForTests"/>, calls go to that handler instead of a socket and the
    /// transport counts as connected at once: for measuring the call layer alone.
    /// </summary>
    internal HttpClientTransport(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer, HttpMessageHandler? handlerForTests)
    {
        Address = address ?? throw new ArgumentNullException(nameof(address));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        ValidateOptions(options);
        Security = TransportSecurity.Of(options.Credentials);
        IsSecure = Security.IsSecure;
        _authority = TransportAuthority.Of(address, options);
        var scheme = IsSecure ? "https" : "http";
        if (Uri.TryCreate($"{scheme}://{_authority}/", UriKind.Absolute, out var baseUri) && baseUri.Authority == _authority)
        {
            BaseUri = baseUri;
        }
        else
        {
            // An authority Uri cannot hold as is: send it as the Host header (→ :authority) instead.
            BaseUri = new Uri($"{scheme}://localhost/");
            HostHeader = _authority;
        }

        var handler = handlerForTests ?? CreateHandler(options);
        Http = new HttpMessageInvoker(handler, disposeHandler: true);
        _callGate = new CallGate(this, handler);
        Invoker = InvokerFor(options.MaxSendMessageSize, options.MaxReceiveMessageSize);
        if (handlerForTests is not null)
        {
            _state = StateReady;
        }
    }

    public TransportAddress Address { get; }

    public CallInvoker Invoker { get; }

    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    internal TransportOptions Options { get; }

    internal HttpMessageInvoker Http { get; }

    internal Uri BaseUri { get; }

    internal string? HostHeader { get; }

    internal bool IsSecure { get; }

    internal TransportSecurity Security { get; }

    internal string Authority => _authority;

    /// <summary>Why the connection cannot take calls any more; null while it can.</summary>
    internal string? GoneReason { get; private set; }

    /// <summary>True once the owner closed the transport (calls then fail with UNAVAILABLE "closed").</summary>
    internal bool ClosedLocally => Volatile.Read(ref _closingLocally);

    /// <summary>
    /// Why the connection died when the owner did not end it (EOF, reset, keepalive timeout, not HTTP/2);
    /// null while healthy or when the owner closed a healthy connection. Calls failing for any reason
    /// after the loss report this, even when the owner's later Close reaches them first.
    /// </summary>
    internal string? LostReason => Volatile.Read(ref _lostReason);

    /// <summary>Set when the server's bytes were not HTTP/2 at all.</summary>
    internal string? ProtocolFailure { get; private set; }

    public void GracefulClose()
    {
        lock (_gate)
        {
            if (_state >= StateDraining)
            {
                return;
            }

            _state = StateDraining;
            MarkGone("the transport is closing gracefully (no new calls)");
        }

        CloseIfDrained();
    }

    public ValueTask CloseAsync()
    {
        Stream? pending;
        Http2FrameObserverStream? observed;
        lock (_gate)
        {
            _state = StateClosed;
            _closingLocally = true;
            MarkGone("the transport was closed by its owner");
            pending = Interlocked.Exchange(ref _pending, null);
            observed = _observed;
            _dialing?.Cancel();
        }

        FailHandshake(new TransportConnectException($"Transport to {Address} was closed while connecting."));

        // Disposing the connection's stream aborts every read and write on it, so calls in flight fail at
        // once (mapped to UNAVAILABLE) and the socket is released even while the handler still holds it.
        // The GrpcChannels are left undisposed on purpose: GrpcChannel.Dispose would cancel the calls in flight
        // (CANCELLED) and make later calls throw ObjectDisposedException, where this contract promises UNAVAILABLE
        // and, for new calls, not processed (the gate refuses them). They hold nothing but the handler disposed here.
        pending?.Dispose();
        observed?.Dispose();
        Http.Dispose();
        lock (_gate)
        {
            Emit(new ConnectionEvent.Closed(CloseReason.LocalClose, null));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CloseAsync();

    public override string ToString() => $"HttpClientTransport({Address}, {Security})";

    /// <summary>Counts a call in, or says why this connection cannot take it (the call is then not processed).</summary>
    internal string? TryStartCall()
    {
        Interlocked.Increment(ref _activeCalls);
        var state = Volatile.Read(ref _state);
        if (state == StateReady && GoneReason is null)
        {
            return null;
        }

        EndCall();
        return GoneReason ?? (state < StateReady ? $"the transport to {Address} is not connected yet" : $"the transport to {Address} is closed");
    }

    internal void EndCall()
    {
        if (Interlocked.Decrement(ref _activeCalls) == 0 && Volatile.Read(ref _state) == StateDraining)
        {
            CloseIfDrained();
        }
    }

    private void CloseIfDrained()
    {
        if (Volatile.Read(ref _activeCalls) == 0 && Volatile.Read(ref _state) == StateDraining)
        {
            _ = CloseAsync();
        }
    }

    private void MarkGone(string reason) => GoneReason ??= reason;

    /// <summary>Tells the owner; callers hold <see cref="_gate"/>, so events keep their order and Closed comes once, last.</summary>
    private void Emit(ConnectionEvent e)
    {
        if (_closedEmitted)
        {
            return;
        }

        _closedEmitted = e is ConnectionEvent.Closed;
        _observer(e);
    }
}
