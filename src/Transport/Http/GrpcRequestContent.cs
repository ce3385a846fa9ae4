using System.Buffers;
using System.Net;

namespace ActorChannel.Transport;

/// <summary>The body of a unary or server-streaming request: one framed message in a pooled buffer.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private byte[]? _buffer;
    private readonly int _length;

    public UnaryRequestContent(byte[] pooledBuffer, int length)
    {
        _buffer = pooledBuffer;
        _length = length;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Taken once: the buffer goes back to the pool only after the handler has copied it out.
        var buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new InvalidOperationException("The gRPC request body was already sent once; it is not sent twice.");
        try
        {
            await stream.WriteAsync(buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _buffer, null) is { } unused)
        {
            ArrayPool<byte>.Shared.Return(unused);
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// The body of a client- or duplex-streaming request: the handler's request stream is handed to the
/// call's writer, and the body ends (END_STREAM) when the writer completes or the call ends.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);

    /// <summary>Completes with the request stream once the handler starts sending the body.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Half-closes the request.</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>The call ended: nobody will write any more.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _done.TrySetResult();
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>Constants of gRPC over HTTP/2.</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TimeoutHeader = "grpc-timeout";

    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null
        && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';');
}
