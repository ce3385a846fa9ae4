using System.Net;
using System.Net.Http;

namespace ActorChannel.Transport;

public sealed partial class HttpClientTransport
{
    private TaskCompletionSource? _handshake;
    private CancellationTokenSource? _warmUp;

    /// <summary>Test seams around the start of a dial (the window review #9 was about); null in production.</summary>
    internal Action? OnConnectingForTests { get; set; }

    internal Action<CancellationToken>? OnDialForTests { get; set; }

    /// <summary>
    /// CloseAsync while dialing aborts the dial instead of letting it run to the owner's deadline. Made
    /// and published under the gate with the state re-checked, so a Close that came first is never missed.
    /// </summary>
    private CancellationTokenSource PublishDial(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state != StateConnecting)
            {
                throw new TransportConnectException($"Transport to {Address} was closed while connecting.");
            }

            var dial = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _dialing = dial;
            return dial;
        }
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var previous = Interlocked.CompareExchange(ref _state, StateConnecting, StateCreated);
        if (previous == StateClosed)
        {
            throw new TransportConnectException($"Transport to {Address} is closed; make a new transport to connect again.", isTemporary: true);
        }

        if (previous != StateCreated)
        {
            throw new InvalidOperationException($"Transport to {Address} was already connected; make a new transport to reconnect.");
        }

        OnConnectingForTests?.Invoke();
        using var dial = PublishDial(cancellationToken);
        Stream stream;
        try
        {
            OnDialForTests?.Invoke(dial.Token);
            stream = await SocketDialer.DialAsync(Address, Options, Security, TransportAuthority.HostOf(_authority), dial.Token).ConfigureAwait(false);
        }
        catch (TransportConnectException ex)
        {
            lock (_gate)
            {
                _dialing = null;
            }

            MarkGone("the connect attempt failed: " + ex.Message);
            Interlocked.Exchange(ref _state, StateClosed);
            throw ClosedLocally ? new TransportConnectException($"Transport to {Address} was closed while connecting.", ex) : ex;
        }

        lock (_gate)
        {
            if (_state != StateConnecting)
            {
                _dialing = null;
                stream.Dispose();
                throw new TransportConnectException($"Transport to {Address} was closed while connecting.");
            }

            _pending = stream;
            _handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Emit(new ConnectionEvent.Connected());
        }

        try
        {
            // Still linked to CloseAsync through _dialing, which is cleared only once the handshake is over.
            await HandshakeAsync(dial.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw AbandonHandshake(ex, cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                _dialing = null;
            }
        }
    }

    /// <summary>
    /// Makes SocketsHttpHandler open its HTTP/2 connection on the socket just dialed, without sending a
    /// request, and waits for the server's first SETTINGS frame.
    /// </summary>
    /// <remarks>
    /// The handler starts a connection only for a request. A warm-up request triggers it, and is cancelled
    /// from inside ConnectCallback the moment the handler has our stream: the handler goes on establishing
    /// the connection (preface, SETTINGS, then its read loop) on its own token and keeps it in its pool,
    /// while the cancelled request is never written (no HEADERS reach the server). From then on the
    /// handler's read loop runs even with no call, so EOF, reset and GOAWAY on an idle connection are seen.
    /// </remarks>
    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var handshake = _handshake!;
        var warmUp = new CancellationTokenSource();
        Volatile.Write(ref _warmUp, warmUp);
        var request = new HttpRequestMessage(HttpMethod.Get, BaseUri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (HostHeader is { } host)
        {
            request.Headers.Host = host;
        }

        Task<HttpResponseMessage> send;
        try
        {
            send = Http.SendAsync(request, warmUp.Token);
        }
        catch (Exception ex)
        {
            send = Task.FromException<HttpResponseMessage>(ex);
        }

        _ = send.ContinueWith(
            (t, state) =>
            {
                var (req, cts) = ((HttpRequestMessage, CancellationTokenSource))state!;

                // Read even when cancelled meanwhile: an unread fault is an UnobservedTaskException later.
                var failure = t.Exception;
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
                else if (t.IsFaulted && !cts.IsCancellationRequested)
                {
                    // The handler failed before it took our stream (e.g. disposed): nothing else will say so.
                    FailHandshake(new TransportConnectException($"Connecting to {Address}: the HTTP/2 handler failed: {failure!.GetBaseException().Message}", failure.GetBaseException()));
                }

                // The source is not disposed: CancelWarmUp may still cancel it, and without a timer or a
                // link it holds nothing to release.
                req.Dispose();
            },
            (request, warmUp),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        try
        {
            await handshake.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CancelWarmUp();
        }
    }

    /// <summary>Cancels the warm-up request once (from ConnectCallback, or when the handshake ends another way).</summary>
    private void CancelWarmUp()
    {
        if (Interlocked.Exchange(ref _warmUp, null) is { } warmUp)
        {
            warmUp.Cancel();
        }
    }

    private void FailHandshake(TransportConnectException error) => Volatile.Read(ref _handshake)?.TrySetException(error);

    /// <summary>The handshake did not finish: release everything and tell the owner why ConnectAsync failed.</summary>
    private TransportConnectException AbandonHandshake(Exception error, CancellationToken ownerToken)
    {
        TransportConnectException failure;
        if (ClosedLocally)
        {
            failure = new TransportConnectException($"Transport to {Address} was closed while connecting.", error);
        }
        else if (error is OperationCanceledException && ownerToken.IsCancellationRequested)
        {
            failure = new TransportConnectException(
                $"Connecting to {Address}: the connection is up but the server sent no HTTP/2 SETTINGS before the connect deadline (does it speak HTTP/2{(IsSecure ? "" : " with prior knowledge (h2c)")}?).",
                error);
        }
        else
        {
            failure = error as TransportConnectException ?? new TransportConnectException($"Connecting to {Address} failed: {error.Message}", error);
        }

        Stream? pending;
        Http2FrameObserverStream? observed;
        lock (_gate)
        {
            MarkGone("the connect attempt failed: " + failure.Message);
            _state = StateClosed;
            pending = Interlocked.Exchange(ref _pending, null);
            observed = _observed;
            // Told before the stream is disposed, so the handler dropping it is not reported as a reset.
            Emit(new ConnectionEvent.Closed(CloseReason.LocalClose, failure));
        }

        pending?.Dispose();
        observed?.Dispose();
        Http.Dispose();
        return failure;
    }
}
