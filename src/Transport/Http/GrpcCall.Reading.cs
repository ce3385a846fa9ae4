using System.Buffers;
using System.Runtime.CompilerServices;

namespace ActorChannel.Transport;

/// <summary>Reading length-prefixed response messages: pooled buffers, the receive limit, decompression.</summary>
internal partial class GrpcCall<TRequest, TResponse>
{
    /// <summary>Reads the next message into <see cref="LastMessage"/>; false at the end of the body.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected async ValueTask<bool> ReadMessageAsync(Stream body)
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

            LastMessage = frame.Compressed
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
