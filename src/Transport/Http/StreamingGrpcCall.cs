namespace ActorChannel.Transport;

/// <summary>A streaming call (server, client or duplex): the response reader and the request writer.</summary>
internal sealed class StreamingGrpcCall<TRequest, TResponse> : GrpcCall<TRequest, TResponse>, IAsyncStreamReader<TResponse>, IClientStreamWriter<TRequest>
{
    private Task<bool> _headers = Task.FromResult(false);
    private StreamingRequestContent? _requestContent;
    private Stream? _body;
    private bool _requestCompleted;
    private int _writing;

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
        return ClientStreamingResponseAsync();
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
    /// A write-only duplex call, or a stream disposed before MoveNext, never awaits the send: its fault
    /// is read here so it does not surface as an UnobservedTaskException (the call's status has it).
    /// </summary>
    private static Task<bool> Observed(Task<bool> send)
    {
        if (!send.IsCompleted || send.IsFaulted)
        {
            send.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return send;
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
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A write is already in progress; await it before writing the next message.");
        }

        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((GrpcCallBase)s!).Cancel(), this) : default;
        try
        {
            var payload = Serialize(message);
            var framed = GrpcFraming.Frame(payload, CompressRequests);
            var stream = await _requestContent!.RequestStream.WaitAsync(CallToken).ConfigureAwait(false);
            await stream.WriteAsync(framed, CallToken).ConfigureAwait(false);
            await stream.FlushAsync(CallToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            var failure = Fail(ex);
            ThrowIfFinishedForWrite();
            throw failure;
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    protected override bool CanReuseCancellation => _requestContent is null;

    protected override void OnFinished()
    {
        _requestContent?.Abort();
    }

    public Task CompleteAsync()
    {
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
