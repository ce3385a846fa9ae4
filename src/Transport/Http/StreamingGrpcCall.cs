namespace ActorChannel.Transport;

/// <summary>A streaming call (server, client or duplex): the response reader and the request writer.</summary>
internal sealed class StreamingGrpcCall<TRequest, TResponse> : GrpcCall<TRequest, TResponse>, IAsyncStreamReader<TResponse>, IClientStreamWriter<TRequest>
{
    private Task<bool> _headers = Task.FromResult(false);
    private StreamingRequestContent? _requestContent;
    private Stream? _body;
    private bool _requestCompleted;
    private int _writing; // Idle, Writing, or CutShort once a write failed part way (sticky).
    private const int Idle = 0;
    private const int Writing = 1;
    private const int CutShort = 2;

    public StreamingGrpcCall(HttpClientTransport transport, Method<TRequest, TResponse> method, CallOptions options)
        : base(transport, method, options)
    {
    }

    public TResponse Current { get; private set; } = default!;

    public void StartServerStreaming(TRequest request)
    {
        if (Start() is { } early)
        {
            _headers = Task.FromException<bool>(early);
            return;
        }

        try
        {
            _headers = Observed(SendAsync(CreateRequest(CreateUnaryContent(request))));
        }
        catch (Exception ex)
        {
            _headers = Task.FromException<bool>(ex as RpcException ?? Fail(ex));
        }
    }

    public Task<TResponse> StartClientStreaming()
    {
        StartDuplex();

        // A caller that learns of a failure from a write or GetStatus may never await the response.
        return Observed(ClientStreamingResponseAsync());
    }

    public void StartDuplex()
    {
        if (Start() is { } early)
        {
            _headers = Task.FromException<bool>(early);
            return;
        }

        _requestContent = new StreamingRequestContent();
        try
        {
            _headers = Observed(SendAsync(CreateRequest(_requestContent)));
        }
        catch (Exception ex)
        {
            // Failures surface through the call's streams and response, never from starting it.
            _headers = Task.FromException<bool>(ex as RpcException ?? Fail(ex));
        }
    }

    /// <summary>
    /// A write-only duplex call, or a stream disposed before MoveNext, never awaits the send (nor a failed
    /// client-streaming call its response): the fault is read here so it does not surface as an
    /// UnobservedTaskException (the call's status has it).
    /// </summary>
    private static Task<T> Observed<T>(Task<T> task)
    {
        if (!task.IsCompleted || task.IsFaulted)
        {
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return task;
    }

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (IsFinished && _headers.IsCompleted)
        {
            return GetStatus().Code == StatusCode.OK ? false : throw CurrentException();
        }

        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((GrpcCallBase)s!).Cancel(), this) : default;
        try
        {
            if (!await _headers.ConfigureAwait(false))
            {
                return false;
            }

            _body ??= await Response!.Content.ReadAsStreamAsync(CallToken).ConfigureAwait(false);
            if (await ReadMessageAsync(_body).ConfigureAwait(false))
            {
                Current = LastMessage;
                return true;
            }

            return FinishFromTrailers(Response!.TrailingHeaders).Code == StatusCode.OK ? false : throw CurrentException();
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        if (_requestCompleted)
        {
            throw new InvalidOperationException("The request stream was already completed; no more messages can be written.");
        }

        ThrowIfFinishedForWrite();
        var before = Interlocked.Exchange(ref _writing, Writing);
        if (before == Writing)
        {
            throw new InvalidOperationException("A write is already in progress; await it before writing the next message.");
        }

        // Checked again now that the write shows: a call ending from here on sees it (OnFinished) and
        // resets the stream rather than ending the body cleanly after a message cut short.
        if (IsFinished)
        {
            Volatile.Write(ref _writing, before);
            ThrowIfFinishedForWrite();
        }

        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((GrpcCallBase)s!).Cancel(), this) : default;
        var content = _requestContent!;
        try
        {
            var payload = Serialize(message);
            var framed = GrpcFraming.Frame(payload, CompressRequests);
            var stream = await content.RequestStream.WaitAsync(content.Ended).ConfigureAwait(false);
            await stream.WriteAsync(framed, content.Ended).ConfigureAwait(false);
            await stream.FlushAsync(content.Ended).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // Before anything can end the call: the ending may already be under way (the handler can
            // fail this write inline while it runs) and must still see that the stream needs a reset.
            Volatile.Write(ref _writing, CutShort);
            if (ServerEndedRequest(ex, content))
            {
                // As grpc-go's io.EOF from SendMsg: the message is dropped, and the call's status comes
                // from the response (ResponseAsync, MoveNextAsync), which the server has completed.
                return;
            }

            var failure = Fail(ex);
            ThrowIfFinishedForWrite();
            throw failure;
        }
        finally
        {
            Interlocked.CompareExchange(ref _writing, Idle, Writing);
        }
    }

    /// <summary>
    /// The handler stopped the request body while the call runs and the connection is fine, without
    /// saying why (a bare cancellation, or the body's stream already closed). That is the server's
    /// RST_STREAM NO_ERROR after its complete response, asking the client to send no more; a write
    /// under way when a reset with an error code or a connection loss arrives gets an IOException
    /// instead (mapped as before), and our own ending of the call cancels
    /// <see cref="StreamingRequestContent.Ended"/> first. Either way the response has the status.
    /// </summary>
    private bool ServerEndedRequest(Exception error, StreamingRequestContent content) =>
        error is OperationCanceledException or ObjectDisposedException
        && !content.Ended.IsCancellationRequested
        && !IsFinished
        && Transport.LostReason is null
        && !Transport.ClosedLocally;

    protected override bool CanReuseCancellation => _requestContent is null;

    protected override void OnFinished()
    {
        // Ends the request body too: the handler holds the HTTP/2 stream until both directions are done.
        _requestContent?.Abort(reset: !EndedByServer || Volatile.Read(ref _writing) != Idle);
    }

    public Task CompleteAsync()
    {
        if (Volatile.Read(ref _writing) == Writing)
        {
            // Ending the body now would put END_STREAM after part of a message (and DATA after END_STREAM).
            return Task.FromException(new InvalidOperationException("A write is in progress; await it before completing the request stream."));
        }

        _requestCompleted = true;
        _requestContent?.Complete();
        return Task.CompletedTask;
    }

    private void ThrowIfFinishedForWrite()
    {
        if (IsFinished)
        {
            throw GetStatus().Code == StatusCode.OK
                ? new InvalidOperationException("The call has already finished; the server is not reading more messages.")
                : CurrentException();
        }
    }

    private async Task<TResponse> ClientStreamingResponseAsync()
    {
        try
        {
            // A Trailers-Only answer to a call that needs a message already failed in the headers check.
            await _headers.ConfigureAwait(false);
            return await ReadSingleResponseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
    }
}
