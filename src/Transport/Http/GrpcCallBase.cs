using System.Net.Http.Headers;

namespace ActorChannel.Transport;

/// <summary>
/// What every call on an <see cref="HttpClientTransport"/> shares: its lifetime (deadline timer,
/// cancellation, the final status set exactly once), response headers and trailers.
/// </summary>
internal abstract partial class GrpcCallBase : ICallState
{
    private const int Finishing = 1;
    private const int Finished = 2;

    private CancellationTokenSource? _cts;
    private ITimer? _deadlineTimer;
    private CancellationTokenRegistration _userCancel;
    private TaskCompletionSource<Metadata>? _headersTcs;
    private HttpHeaders? _responseHeaders;
    private HttpHeaders? _trailerSource;
    private Metadata? _trailers;
    private Status _status;
    private bool _notProcessed;
    private int _finished;
    private bool _counted;

    protected GrpcCallBase(HttpClientTransport transport, CallOptions options)
    {
        Transport = transport;
        Options = options;

        // Once per call, so each message checks one field (and the unary path allocates nothing for it).
        MaxSendMessageSize = CallOptions.EffectiveLimit(options.MaxSendMessageSize, transport.Options.MaxSendMessageSize);
        MaxReceiveMessageSize = CallOptions.EffectiveLimit(options.MaxReceiveMessageSize, transport.Options.MaxReceiveMessageSize);
    }

    protected HttpClientTransport Transport { get; }

    protected CallOptions Options { get; }

    /// <summary>The call's send limit: the smaller of the call's and the transport's; null for none.</summary>
    protected int? MaxSendMessageSize { get; }

    /// <summary>The call's receive limit (also caps decompressed messages): the smaller of the call's and the transport's; null for none.</summary>
    protected int? MaxReceiveMessageSize { get; }

    protected CancellationToken CallToken => _cts?.Token ?? CancellationToken.None;

    private HttpResponseMessage? _response;

    protected HttpResponseMessage? Response => Volatile.Read(ref _response);

    protected bool IsFinished => Volatile.Read(ref _finished) != 0;

    /// <summary>Set before OnFinished: the call ended with the server's trailers (not cancelled, timed out or failed locally).</summary>
    protected bool EndedByServer => _trailerSource is not null;

    /// <summary>Time left before the deadline when the call started; null without a deadline.</summary>
    protected TimeSpan? Timeout { get; private set; }

    public Task<Metadata> ResponseHeadersAsync
    {
        get
        {
            lock (this)
            {
                if (_headersTcs is null)
                {
                    // Published before the headers or the end are checked: PublishHeaders and TryFinish
                    // look at the TCS without the lock, after writing what they publish.
                    Interlocked.Exchange(ref _headersTcs, new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously));
                    if (Volatile.Read(ref _responseHeaders) is { } headers)
                    {
                        _headersTcs.TrySetResult(ToMetadata(headers));
                    }
                    else if (IsFinished)
                    {
                        _headersTcs.TrySetException(CurrentException());
                    }
                }

                return _headersTcs.Task;
            }
        }
    }

    public Status GetStatus() =>
        IsFinished ? FinalStatus() : throw new InvalidOperationException("The call's status is not available until the call has completed.");

    public Metadata GetTrailers()
    {
        if (!IsFinished)
        {
            throw new InvalidOperationException("The call's trailers are not available until the call has completed.");
        }

        FinalStatus();
        lock (this)
        {
            return _trailers ??= _trailerSource is null ? new Metadata() : ToMetadata(_trailerSource);
        }
    }

    public void Cancel() => TryFinish(new Status(StatusCode.Cancelled, "Call cancelled by the client."), null, false);

    /// <summary>
    /// Counts the call in on the transport and arms the deadline and cancellation. Returns the status
    /// to fail with at once (not connected, deadline already passed), or null to go on.
    /// </summary>
    protected RpcException? Begin()
    {
        if (Transport.TryStartCall() is { } gone)
        {
            TryFinish(new Status(StatusCode.Unavailable, $"No connection for the call: {gone}."), null, notProcessed: true);
            return CurrentException();
        }

        _counted = true;
        try
        {
            _cts = Transport.RentCancellation();

            // Registered before the deadline is armed: a timer that fires at once must find the
            // registration in place to dispose it (review #7).
            if (Options.CancellationToken.CanBeCanceled)
            {
                _userCancel = Options.CancellationToken.UnsafeRegister(static s => ((GrpcCallBase)s!).Cancel(), this);
                if (IsFinished)
                {
                    _userCancel.Dispose();
                    return CurrentException();
                }
            }

            if (Options.Deadline is { } deadline)
            {
                var time = Transport.Options.TimeProvider;
                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    TryFinish(new Status(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started."), null, false);
                    return CurrentException();
                }

                Timeout = left;
                _deadlineTimer = time.CreateTimer(static s => ((GrpcCallBase)s!).OnDeadline(), this, Clamp(left), System.Threading.Timeout.InfiniteTimeSpan);
                if (IsFinished)
                {
                    _deadlineTimer.Dispose();
                }
            }
        }
        catch (Exception ex)
        {
            // Counted in: whatever goes wrong from here must end the call, or it holds the transport open.
            TryFinish(new Status(StatusCode.Internal, $"Failed to start the call: {ex.Message}") { DebugException = ex }, null, false);
            return CurrentException();
        }

        return null;
    }

    // Timers take at most 0xFFFFFFFE ms (~49.7 days); a later deadline re-arms when that span ends.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private static TimeSpan Clamp(TimeSpan left) => left > MaxTimer ? MaxTimer : left;

    /// <summary>
    /// Hands the request to the handler. The invoker throws ObjectDisposedException synchronously once
    /// the owner closed the transport: that request never left, so the call is not processed.
    /// </summary>
    protected Task<HttpResponseMessage> SendRequestAsync(HttpRequestMessage request)
    {
        try
        {
            return Transport.Http.SendAsync(request, CallToken);
        }
        catch (ObjectDisposedException ex)
        {
            TryFinish(CallErrors.NotSent(Transport, ex), null, notProcessed: true);
            throw CurrentException();
        }
    }

    /// <summary>The response arrived: the call owns it now. False if the call ended meanwhile (the response is then disposed).</summary>
    protected bool HeadersReceived(HttpResponseMessage response)
    {
        Interlocked.Exchange(ref _response, response);
        if (IsFinished)
        {
            response.Dispose();
            return false;
        }

        return true;
    }

    /// <summary>The response is a gRPC one (or Trailers-Only): its headers become the call's response headers.</summary>
    protected void PublishHeaders(HttpResponseMessage response)
    {
        Interlocked.Exchange(ref _responseHeaders, response.Headers);
        if (Volatile.Read(ref _headersTcs) is { } tcs)
        {
            tcs.TrySetResult(ToMetadata(response.Headers));
        }
    }

    /// <summary>Sets the final status once; an abnormal end cancels what is in flight (RST_STREAM CANCEL) and frees the stream.</summary>
    protected bool TryFinish(Status status, HttpHeaders? trailers, bool notProcessed)
    {
        if (Interlocked.CompareExchange(ref _finished, Finishing, 0) != 0)
        {
            return false;
        }

        _status = status;
        _trailerSource = trailers;
        _notProcessed = notProcessed;
        Volatile.Write(ref _finished, Finished);
        if (status.Code != StatusCode.OK)
        {
            _cts?.Cancel();
        }

        _deadlineTimer?.Dispose();
        _userCancel.Dispose();
        OnFinished();
        Response?.Dispose();
        if (_counted)
        {
            Transport.EndCall();
        }

        // Only a call that ended normally has a source nobody will cancel any more: reuse it.
        if (status.Code == StatusCode.OK && trailers is not null && CanReuseCancellation && _cts is { } cts)
        {
            Transport.ReturnCancellation(cts);
        }

        if (Volatile.Read(ref _headersTcs) is { Task.IsCompleted: false } tcs)
        {
            tcs.TrySetException(CurrentException());
        }

        return true;
    }

    /// <summary>False while something of the call may still hold its token after the status is known (a streaming request body).</summary>
    protected virtual bool CanReuseCancellation => true;

    /// <summary>Releases kind-specific resources (request bodies) when the call ends.</summary>
    protected virtual void OnFinished()
    {
    }

    /// <summary>The exception that ends an operation: the final status if the call has one, else the mapping of <paramref name="error"/>.</summary>
    protected RpcException Fail(Exception error)
    {
        if (!IsFinished)
        {
            var (status, notProcessed) = CallErrors.Map(error, Transport, this);
            TryFinish(status, null, notProcessed);
        }

        return CurrentException();
    }

    protected RpcException Fail(Status status)
    {
        TryFinish(status, null, false);
        return CurrentException();
    }

    protected RpcException CurrentException()
    {
        var status = FinalStatus();
        return new(status, _trailerSource is null ? null : GetTrailers(), _notProcessed);
    }

    /// <summary>The final status; if another thread is just setting it, waits the few instructions until it has.</summary>
    private Status FinalStatus()
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref _finished) == Finishing)
        {
            spin.SpinOnce();
        }

        return _status;
    }

    /// <summary>Ends a call from its trailers (or Trailers-Only headers): grpc-status and grpc-message.</summary>
    protected Status FinishFromTrailers(HttpHeaders trailers) => FinishFromTrailers(trailers, GrpcHeaderScan.Of(trailers));

    protected Status FinishFromTrailers(HttpHeaders trailers, GrpcHeaderScan grpc)
    {
        TryFinish(StatusOf(grpc), trailers, false);
        return FinalStatus();
    }

    /// <summary>
    /// Ends a call that needed one response message and got none: the server's status if it is an
    /// error, else INTERNAL (an OK must not be committed first, or the call would fail with OK).
    /// </summary>
    protected RpcException FinishWithoutMessage(HttpHeaders trailers, GrpcHeaderScan grpc)
    {
        var status = StatusOf(grpc);
        TryFinish(status.Code == StatusCode.OK ? new Status(StatusCode.Internal, "The server ended the call with OK but sent no response message.") : status, trailers, false);
        return CurrentException();
    }

    private static Status StatusOf(GrpcHeaderScan grpc)
    {
        var code = StatusMapping.ParseGrpcStatus(grpc.Status);
        return code is null
            ? new Status(StatusCode.Unknown, "The server's response has no valid grpc-status" + (grpc.Status is { } bad ? $" ('{bad}')." : "."))
            : new Status(code.Value, GrpcMessageEncoding.Decode(grpc.Message));
    }

    internal bool DeadlinePassed => Options.Deadline is { } d && Transport.Options.TimeProvider.GetUtcNow() >= d;

    internal static string? HeaderValue(HttpHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var v in values)
            {
                return v;
            }
        }

        return null;
    }

    private void OnDeadline()
    {
        var left = Options.Deadline!.Value - Transport.Options.TimeProvider.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            _deadlineTimer?.Change(Clamp(left), System.Threading.Timeout.InfiniteTimeSpan);
            return;
        }

        TryFinish(new Status(StatusCode.DeadlineExceeded, $"Deadline exceeded after {Timeout?.TotalMilliseconds:0.###} ms."), null, false);
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var md = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            foreach (var v in values)
            {
                MetadataHeaders.TryAddReceived(md, name, v);
            }
        }

        return md;
    }
}
