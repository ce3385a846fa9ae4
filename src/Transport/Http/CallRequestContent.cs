using System.Net;

namespace ActorChannel.Transport;

/// <summary>
/// The request body of one call, handed to SocketsHttpHandler in place of Grpc.Net.Client's: its writes also end when
/// the call is over (<see cref="CallGate"/>'s call-over token), not only on the call's own cancellation.
/// </summary>
/// <remarks>
/// When the server ends a client- or duplex-streaming call while a write waits for flow-control credit, Grpc.Net.Client
/// finishes the call without cancelling that write's token, and the handler's credit wait only observes the write's
/// token: the write would wait forever (neither disposing the call nor closing the transport ends it) and the stream
/// would stay open. Writes here pass a token that the end of the call cancels, so the write fails (Grpc.Net.Client
/// reports the call's status), the handler resets the stream and the stream is freed.
/// <para>
/// It is also sent at most once unless it is Grpc.Net.Client's one-message body. SocketsHttpHandler retries a request
/// the server refused (RST_STREAM REFUSED_STREAM) on a new stream, serializing the body again; a streaming body cannot be
/// replayed (Grpc.Net.Client's writer keeps writing to the first stream), so the retry would hang to the deadline, or,
/// once the request stream was completed, send an empty request. Such a retry is refused and the call fails UNAVAILABLE.
/// </para>
/// </remarks>
internal sealed class CallRequestContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly CancellationToken _callToken;
    private readonly CancellationToken _callOver;
    private readonly bool _replayable;
    private int _sends;

    /// <param name="callToken">The token Grpc.Net.Client gave SendAsync (and gives each write).</param>
    /// <param name="callOver">Linked to <paramref name="callToken"/>, and also cancelled when the call is over.</param>
    public CallRequestContent(HttpContent inner, CancellationToken callToken, CancellationToken callOver)
    {
        _inner = inner;
        _callToken = callToken;
        _callOver = callOver;

        _replayable = IsOneMessage(inner);
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    private static Type? s_oneMessageType;

    /// <summary>Grpc.Net.Client's unary and server-streaming request body, which writes its one message again on each send.</summary>
    public static bool IsOneMessage(HttpContent content)
    {
        var type = content.GetType();
        if (ReferenceEquals(type, Volatile.Read(ref s_oneMessageType)))
        {
            return true;
        }

        if (!type.Name.StartsWith("PushUnaryContent", StringComparison.Ordinal))
        {
            return false;
        }

        Volatile.Write(ref s_oneMessageType, type);
        return true;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _sends) > 1 && !_replayable)
        {
            return Task.FromException(new IOException(
                "The server reset the call's stream (REFUSED_STREAM, most likely) after its streaming request body had started; the handler's retry on a new stream is refused, as a streaming body cannot be sent again."));
        }

        return _inner.CopyToAsync(new WriteStream(stream, this), context, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The call-over token where a write comes with the call's own token (always, from Grpc.Net.Client).</summary>
    private CancellationToken For(CancellationToken token) => token == _callToken || !token.CanBeCanceled ? _callOver : token;

    private sealed class WriteStream(Stream inner, CallRequestContent owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, owner.For(cancellationToken));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, owner.For(cancellationToken));

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(owner.For(cancellationToken));

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
