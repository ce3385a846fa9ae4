using System.Net.Http;

namespace ActorChannel.Transport;

public sealed partial class HttpClientTransport
{
    void IHttp2FrameSink.OnSettings()
    {
        lock (_gate)
        {
            if (_state == StateConnecting)
            {
                _state = StateReady;
            }

            Emit(new ConnectionEvent.SettingsReceived());
        }

        Volatile.Read(ref _handshake)?.TrySetResult();
    }

    void IHttp2FrameSink.OnGoAway(int lastStreamId, Http2ErrorCode errorCode, string debugData)
    {
        lock (_gate)
        {
            _goAwaySeen = true;
            MarkGone($"the server sent GOAWAY ({errorCode.ToRfcName()}, last stream {lastStreamId}{(debugData.Length > 0 ? ", \"" + debugData + "\"" : "")})");
            Emit(new ConnectionEvent.GoAwayReceived(lastStreamId, errorCode, debugData));
        }
    }

    void IHttp2FrameSink.OnNotHttp2(string why)
    {
        lock (_gate)
        {
            ProtocolFailure = "the server does not speak HTTP/2: " + why;
            _lostReason ??= ProtocolFailure;
            MarkGone(ProtocolFailure);
        }

        FailHandshake(new TransportConnectException($"Connecting to {Address}: {ProtocolFailure}."));
    }

    private static void ValidateOptions(TransportOptions options)
    {
        if (TransportOptions.KeepAliveProblem(options.KeepAlivePingDelay, options.KeepAlivePingTimeout) is { } keepAlive)
        {
            throw new ArgumentException(keepAlive, nameof(options));
        }

        if (options.MaxReceiveMessageSize is < 0 || options.MaxSendMessageSize is < 0)
        {
            throw new ArgumentException("Message size limits must not be negative.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.Credentials);
    }

    private SocketsHttpHandler CreateHandler(TransportOptions options) => new()
    {
        ConnectCallback = (_, _) => HandOverConnection(),
        PlaintextStreamFilter = (context, _) => ValueTask.FromResult(Observe(context.PlaintextStream)),
        EnableMultipleHttp2Connections = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = options.KeepAlivePingDelay,
        KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        KeepAlivePingPolicy = options.KeepAlivePermitWithoutCalls ? HttpKeepAlivePingPolicy.Always : HttpKeepAlivePingPolicy.WithActiveRequests,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ActivityHeadersPropagator = null,
    };

    private ValueTask<Stream> HandOverConnection()
    {
        var stream = Interlocked.Exchange(ref _pending, null);
        if (stream is null)
        {
            // The handler wants a second connection (after GOAWAY, EOF, or before ConnectAsync): refuse,
            // so the request fails as never sent and the owner decides about reconnecting.
            var why = GoneReason ?? (Volatile.Read(ref _state) < StateReady ? "ConnectAsync has not completed" : "its connection is in use or gone");
            return ValueTask.FromException<Stream>(new IOException($"Transport to {Address} will not open another connection: {why}."));
        }

        // The handler has the connection: the warm-up request that made it dial must never be sent.
        CancelWarmUp();

        return ValueTask.FromResult(stream);
    }

    private Stream Observe(Stream plaintext)
    {
        var observed = new Http2FrameObserverStream(plaintext, this, OnStreamEnd);
        lock (_gate)
        {
            _observed = observed;
            if (_closingLocally)
            {
                observed.Dispose();
            }
        }

        return observed;
    }

    void IHttp2FrameSink.OnBytesRead() => Volatile.Write(ref _lastReadTimestamp, Options.TimeProvider.GetTimestamp());

    private void OnStreamEnd(StreamEnd how, Exception? error)
    {
        lock (_gate)
        {
            if (_closingLocally)
            {
                Emit(new ConnectionEvent.Closed(CloseReason.LocalClose, null));
                return;
            }

            var (reason, cause) = how switch
            {
                StreamEnd.EndOfStream => (CloseReason.EndOfStream, (Exception?)null),
                StreamEnd.Error => (CloseReason.Reset, error),
                _ => ClassifyHandlerClose(),
            };
            var lost = reason switch
            {
                CloseReason.EndOfStream => $"connection to {Address} lost: the server closed it",
                CloseReason.KeepAliveTimeout => $"connection to {Address} lost: a keepalive ping got no answer in time",
                _ => $"connection to {Address} lost: {(cause?.Message ?? "reset").TrimEnd('.')}",
            };
            _lostReason ??= lost;
            MarkGone(lost);
            _state = StateClosed;
            Emit(new ConnectionEvent.Closed(reason, cause));
        }

        FailHandshake(new TransportConnectException($"Connecting to {Address}: {_lostReason} (before the server's HTTP/2 SETTINGS).", error));
    }

    /// <summary>With keepalive on, how long the server has been silent if that is past the ping timeout; else null.</summary>
    private TimeSpan? ServerSilentPastPingTimeout()
    {
        var last = Volatile.Read(ref _lastReadTimestamp);
        // An infinite ping timeout is -1 ms: compared as it is, every connection would count as silent for too long.
        if (Options.KeepAlivePingDelay == Timeout.InfiniteTimeSpan || Options.KeepAlivePingTimeout == Timeout.InfiniteTimeSpan || last == 0)
        {
            return null;
        }

        var silent = Options.TimeProvider.GetElapsedTime(last);
        return silent >= Options.KeepAlivePingTimeout ? silent : null;
    }

    /// <summary>
    /// Why the connection is lost, as a failing call should say it: <see cref="LostReason"/>, or a keepalive timeout
    /// the handler is acting on now. The handler fails its streams before it drops the connection stream, so a call
    /// can see that failure before the end of the stream is reported.
    /// </summary>
    private string? LostReasonForCall() =>
        LostReason ?? (ServerSilentPastPingTimeout() is not null ? $"connection to {Address} lost: a keepalive ping got no answer in time" : null);

    /// <summary>The handler dropped the connection itself (we did not ask): after GOAWAY, a keepalive timeout, or a protocol error.</summary>
    private (CloseReason, Exception?) ClassifyHandlerClose()
    {
        if (ProtocolFailure is { } p)
        {
            return (CloseReason.Reset, new IOException(p));
        }

        if (_goAwaySeen)
        {
            return (CloseReason.EndOfStream, null);
        }

        if (ServerSilentPastPingTimeout() is { } silent)
        {
            return (CloseReason.KeepAliveTimeout, new TimeoutException($"No data from the server for {silent} (keepalive ping timeout {Options.KeepAlivePingTimeout})."));
        }

        return (CloseReason.Reset, new IOException("The HTTP/2 handler dropped the connection (protocol error or I/O failure)."));
    }
}
