using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>How the observer reports the end of the connection stream it wraps.</summary>
public class FrameObserverStreamTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_with_a_read_pending_reports_disposed_even_when_the_read_fails_first(bool async)
    {
        // The inner stream fails its pending read inline while being disposed, as a socket does: the
        // read's error must not win over the dispose (that would hide a keepalive timeout's cause).
        var inner = new PendingReadStream();
        var ends = new List<StreamEnd>();
        var observer = new Http2FrameObserverStream(inner, new NullSink(), (how, _) => ends.Add(how));
        var read = observer.ReadAsync(new byte[16]).AsTask();
        Assert.False(read.IsCompleted);
        inner.FailedReadSeenBeforeDisposeReturns = read;
        if (async)
        {
            await observer.DisposeAsync();
        }
        else
        {
            observer.Dispose();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => read);
        Assert.Equal([StreamEnd.Disposed], ends);
    }

    [Fact]
    public async Task A_read_error_without_dispose_is_an_error()
    {
        var inner = new PendingReadStream();
        var ends = new List<StreamEnd>();
        var observer = new Http2FrameObserverStream(inner, new NullSink(), (how, _) => ends.Add(how));
        var read = observer.ReadAsync(new byte[16]).AsTask();
        inner.Fail(new IOException("reset by peer"));
        await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Equal([StreamEnd.Error], ends);
    }

    private sealed class NullSink : IHttp2FrameSink
    {
        public void OnSettings()
        {
        }

        public void OnBytesRead()
        {
        }

        public void OnGoAway(int lastStreamId, Http2ErrorCode errorCode, string debugData)
        {
        }

        public void OnNotHttp2(string why)
        {
        }
    }

    /// <summary>
    /// A stream whose one read stays pending until it is failed. Disposing it fails the read and returns
    /// only once the read's failure has been seen: the socket's order, made certain.
    /// </summary>
    private sealed class PendingReadStream : Stream
    {
        private readonly TaskCompletionSource<int> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task? FailedReadSeenBeforeDisposeReturns { get; set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Fail(Exception error) => _read.TrySetException(error);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_read.Task);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Fail(new ObjectDisposedException(nameof(PendingReadStream)));
            if (FailedReadSeenBeforeDisposeReturns is { } read)
            {
                // Bounded: a read that never ends fails the test's assertion instead of hanging it.
                ((IAsyncResult)read).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            }

            base.Dispose(disposing);
        }
    }
}
