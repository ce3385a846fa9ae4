using System.Net;

namespace ActorChannel.Transport;

/// <summary>The body of a unary or server-streaming request: one framed message.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly byte[] _framed;

    public UnaryRequestContent(byte[] framed)
    {
        _framed = framed;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_framed, 0, _framed.Length, cancellationToken);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>
/// The body of a client- or duplex-streaming request: the handler's request stream is handed to the
/// call's writer, and the body ends (END_STREAM) when the writer completes or the call ends.
/// </summary>
/// <remarks>
/// The server may end the call while the body is still open (RFC 9113 §8.1) and need not reset the
/// stream afterwards. SocketsHttpHandler frees an HTTP/2 stream only once both directions are done,
/// so the call's end must also end the body: with END_STREAM when no write is under way, or by
/// failing it (the handler then sends RST_STREAM CANCEL) when one is, since a message cut short must
/// not be followed by a clean end. <see cref="Ended"/> releases a write that waits for flow-control
/// credit the server will never grant for a stream it has finished.
/// </remarks>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);

    /// <summary>Completes with the request stream once the handler starts sending the body.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Cancelled when the call ends, for whatever reason: what a write waits on.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Half-closes the request.</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>The call ended: nobody will write any more. <paramref name="reset"/> when a write was under way.</summary>
    public void Abort(bool reset)
    {
        if (reset)
        {
            // Cancelled, not faulted: the body may never await it again, and a cancelled task is never
            // reported as an unobserved exception.
            _done.TrySetCanceled();
        }
        else
        {
            _done.TrySetResult();
        }

        _stream.TrySetCanceled();
        _ended.Cancel();
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The handler sends the request HEADERS of a body like this one only when the body writes
        // (dotnet/runtime#96223): flushed now, a call that reads or awaits its response before its
        // first write reaches the server (which may answer, or refuse it, at once) instead of
        // waiting for its deadline.
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.TrySetResult(stream);

        // The handler cancels this token when it stops the body itself: a reset or lost connection, or
        // the server's RST_STREAM NO_ERROR after a complete response ("send no more", which the
        // handler then treats as success).
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
