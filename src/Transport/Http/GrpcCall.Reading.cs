using System.Buffers;
using System.Runtime.CompilerServices;

namespace ActorChannel.Transport;

/// <summary>Reading length-prefixed response messages: pooled buffers, the receive limit, decompression.</summary>
internal partial class GrpcCall<TRequest, TResponse>
{
    // Most messages fit: one rented buffer holds the prefix and then the payload.
    private const int SmallBuffer = 512;

    // The first buffer for a larger message; it doubles as the bytes arrive.
    private const int GrowStep = 64 * 1024;

    /// <summary>
    /// Reads the next message into <see cref="LastMessage"/>; false at the end of the body. One flat
    /// async method (no nested ones), so a read that completes at once costs no allocation at all.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected async ValueTask<bool> ReadMessageAsync(Stream body)
    {
        // Null while no rented array is owned, so the finally never returns one twice (review #4).
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(SmallBuffer);
        try
        {
            var got = 0;
            while (got < GrpcFraming.HeaderSize)
            {
                var n = await body.ReadAsync(buffer.AsMemory(got, GrpcFraming.HeaderSize - got), CallToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            if (got == 0)
            {
                return false;
            }

            if (got < GrpcFraming.HeaderSize)
            {
                throw new InvalidDataException($"the response ended inside a message's length prefix ({got} of {GrpcFraming.HeaderSize} bytes)");
            }

            var frame = GrpcFraming.ReadHeader(buffer);
            var length = CheckFrame(frame);
            if (length > buffer.Length)
            {
                // A declared length is only a claim: start bounded and grow as the bytes really arrive.
                var small = buffer;
                buffer = null;
                ArrayPool<byte>.Shared.Return(small);
                buffer = ArrayPool<byte>.Shared.Rent(Math.Min(length, GrowStep));
            }

            got = 0;
            while (got < length)
            {
                if (got == buffer.Length)
                {
                    var next = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, 2L * buffer.Length));
                    buffer.AsSpan(0, got).CopyTo(next);
                    var old = buffer;
                    buffer = next;
                    ArrayPool<byte>.Shared.Return(old);
                }

                var n = await body.ReadAsync(buffer.AsMemory(got, Math.Min(length, buffer.Length) - got), CallToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new InvalidDataException($"the response ended inside a message ({got} of {length} declared bytes arrived)");
                }

                got += n;
            }

            LastMessage = frame.Compressed
                ? Deserialize(GrpcCompression.Decompress(_responseEncoding!, buffer, length, MaxReceiveMessageSize), null)
                : Deserialize(buffer, length);
            return true;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Checks a message prefix against the receive limit and the response's encoding; returns the length.</summary>
    private int CheckFrame(GrpcFrameHeader frame)
    {
        var limit = MaxReceiveMessageSize;
        if ((limit is { } max && frame.Length > (uint)max) || frame.Length > (uint)Array.MaxLength)
        {
            throw new GrpcMessageTooLargeException(frame.Length, limit ?? Array.MaxLength);
        }

        if (frame.Compressed && _responseEncoding is null)
        {
            throw new InvalidDataException("a message has the compressed flag set but the response has no grpc-encoding");
        }

        return (int)frame.Length;
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
}
