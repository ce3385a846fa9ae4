using System.Runtime.CompilerServices;

namespace ActorChannel.Transport;

/// <summary>How the observed stream ended, as the read path saw it.</summary>
internal enum StreamEnd
{
    EndOfStream,
    Error,
    Disposed,
}

/// <summary>
/// Wraps the (decrypted) connection stream that SocketsHttpHandler talks HTTP/2 over and feeds every
/// byte the handler reads to an <see cref="Http2FrameParser"/>. Data is never copied or delayed:
/// the parser looks at the caller's buffer after the read completes.
/// </summary>
internal sealed class Http2FrameObserverStream : Stream
{
    private readonly Stream _inner;
    private readonly Http2FrameParser _parser;
    private readonly IHttp2FrameSink _sink;
    private readonly Action<StreamEnd, Exception?> _onEnd;
    private int _ended;
    private volatile bool _disposing;

    public Http2FrameObserverStream(Stream inner, IHttp2FrameSink sink, Action<StreamEnd, Exception?> onEnd)
    {
        _inner = inner;
        _sink = sink;
        _parser = new Http2FrameParser(sink);
        _onEnd = onEnd;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read;
        try
        {
            read = _inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            End(_disposing ? StreamEnd.Disposed : StreamEnd.Error, ex);
            throw;
        }

        // Most reads of a busy connection complete at once: observe them without an async frame.
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Observe(buffer.Span, read.Result)) : AwaitReadAsync(read, buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read, Memory<byte> buffer)
    {
        int n;
        try
        {
            n = await read.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            End(_disposing ? StreamEnd.Disposed : StreamEnd.Error, ex);
            throw;
        }

        return Observe(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (Exception ex)
        {
            End(_disposing ? StreamEnd.Disposed : StreamEnd.Error, ex);
            throw;
        }

        return Observe(buffer, n);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Latched before the inner stream goes: its pending read fails as it is disposed, and that
            // error must not pass for the cause (ClassifyHandlerClose runs only on Disposed).
            _disposing = true;
            End(StreamEnd.Disposed, null);
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _disposing = true;
        End(StreamEnd.Disposed, null);
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Observe(ReadOnlySpan<byte> buffer, int n)
    {
        if (n > 0)
        {
            _sink.OnBytesRead();
            _parser.OnBytes(buffer[..n]);
        }
        else if (!buffer.IsEmpty)
        {
            // Only a read into a non-empty buffer returning 0 is EOF; the handler's zero-byte reads
            // (waiting for data without a buffer) return 0 too and mean nothing.
            End(StreamEnd.EndOfStream, null);
        }

        return n;
    }

    private void End(StreamEnd how, Exception? error)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _onEnd(how, error);
        }
    }
}
