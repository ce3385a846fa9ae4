using System.Buffers;
using System.Runtime.CompilerServices;

namespace ActorChannel.Transport;

/// <summary>The streaming halves of a call: the response reader and the request writer.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IAsyncStreamReader<TResponse>, IClientStreamWriter<TRequest>
{
    private Task<bool> _headers = Task.FromResult(false);
    private StreamingRequestContent? _requestContent;
    private Stream? _body;
    private bool _requestCompleted;
    private int _writing;

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
            _headers = SendAsync(CreateRequest(CreateUnaryContent(request)));
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
        _headers = SendAsync(CreateRequest(_requestContent));
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
                Current = _message;
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
            var framed = GrpcFraming.Frame(payload, _compressRequests);
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

    public Task CompleteAsync()
    {
        _requestCompleted = true;
        _requestContent?.Complete();
        return Task.CompletedTask;
    }

    private RpcException? Start()
    {
        if (Begin() is { } early)
        {
            return early;
        }

        switch (Options.Compression)
        {
            case null or "" or GrpcCompression.Identity:
                return null;
            case GrpcCompression.Gzip:
                _compressRequests = true;
                return null;
            default:
                return Fail(new Status(StatusCode.Internal, $"Request compression '{Options.Compression}' is not supported (supported: {GrpcCompression.Gzip})."));
        }
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
            if (!await _headers.ConfigureAwait(false))
            {
                throw Fail(new Status(StatusCode.Internal, "The server ended the call with OK but sent no response message."));
            }

            return await ReadSingleResponseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
    }

    /// <summary>Reads the next message into <see cref="_message"/>; false at the end of the body.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadMessageAsync(Stream body)
    {
        var header = ArrayPool<byte>.Shared.Rent(GrpcFraming.HeaderSize);
        GrpcFrameHeader frame;
        try
        {
            var got = await ReadFullyAsync(body, header.AsMemory(0, GrpcFraming.HeaderSize)).ConfigureAwait(false);
            if (got == 0)
            {
                return false;
            }

            if (got < GrpcFraming.HeaderSize)
            {
                throw new InvalidDataException($"the response ended inside a message's length prefix ({got} of {GrpcFraming.HeaderSize} bytes)");
            }

            frame = GrpcFraming.ReadHeader(header);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }

        var limit = Transport.Options.MaxReceiveMessageSize;
        if ((limit is { } max && frame.Length > (uint)max) || frame.Length > (uint)Array.MaxLength)
        {
            throw new GrpcMessageTooLargeException(frame.Length, limit ?? Array.MaxLength);
        }

        if (frame.Compressed && _responseEncoding is null)
        {
            throw new InvalidDataException("a message has the compressed flag set but the response has no grpc-encoding");
        }

        var length = (int)frame.Length;
        var payload = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var got = await ReadFullyAsync(body, payload.AsMemory(0, length)).ConfigureAwait(false);
            if (got < length)
            {
                throw new InvalidDataException($"the response ended inside a message ({got} of {length} declared bytes arrived)");
            }

            _message = frame.Compressed
                ? Deserialize(GrpcCompression.Decompress(_responseEncoding!, payload, length, limit), null)
                : Deserialize(payload, length);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private TResponse Deserialize(byte[] data, int? length)
    {
        try
        {
            return _method.ResponseMarshaller.Deserializer(data.AsMemory(0, length ?? data.Length));
        }
        catch (Exception ex)
        {
            throw Fail(new Status(StatusCode.Internal, $"Failed to deserialize the response message: {ex.Message}") { DebugException = ex });
        }
    }

    private async ValueTask<int> ReadFullyAsync(Stream body, Memory<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await body.ReadAsync(buffer[total..], CallToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
