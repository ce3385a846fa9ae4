using System.Buffers;
using System.IO.Pipelines;
using ActorChannel.Transport;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>Reads 5-byte length-prefixed gRPC messages from the request body.</summary>
internal sealed class RequestMessageReader(PipeReader reader, string? encoding, int maxMessageSize)
{
    /// <summary>The next message's payload (decompressed), or null at the clean end of the request.</summary>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryTake(buffer, out var frame, out var consumed))
            {
                reader.AdvanceTo(consumed);
                return Decode(frame!.Value);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var left = buffer.Length;
                reader.AdvanceTo(buffer.End);
                return left == 0
                    ? null
                    : throw new RpcException(new Status(StatusCode.Internal, $"The request ended inside a message ({left} bytes of an incomplete frame)."));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryTake(ReadOnlySequence<byte> buffer, out (bool Compressed, byte[] Payload)? frame, out SequencePosition consumed)
    {
        frame = null;
        consumed = buffer.Start;
        const int HeaderSize = GrpcFraming.HeaderSize;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(prefix);
        GrpcFrameHeader header;
        try
        {
            header = GrpcFraming.ReadHeader(prefix);
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, ex.Message));
        }

        var length = header.Length;
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize})."));
        }

        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }

        var payload = buffer.Slice(HeaderSize, length);
        frame = (header.Compressed, payload.ToArray());
        consumed = payload.End;
        return true;
    }

    private byte[] Decode((bool Compressed, byte[] Payload) frame)
    {
        if (!frame.Compressed)
        {
            return frame.Payload;
        }

        if (encoding is null or GrpcCompression.Identity)
        {
            throw new RpcException(new Status(StatusCode.Internal, "A message has the compressed flag set but the request has no grpc-encoding."));
        }

        try
        {
            return GrpcCompression.Decompress(encoding, frame.Payload, maxMessageSize);
        }
        catch (GrpcMessageTooLargeException ex)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received decompressed message larger than max ({ex.Length} vs. {ex.Limit})."));
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"The request message could not be decompressed: {ex.Message}"));
        }
    }
}

/// <summary>Writes 5-byte length-prefixed gRPC messages to the response body, gzip-compressed when the call negotiated it.</summary>
internal sealed class ResponseMessageWriter(PipeWriter writer, bool compress, int? maxMessageSize)
{
    public async Task WriteAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (maxMessageSize is { } max && payload.Length > max)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Response message larger than the server's send limit ({payload.Length} vs. {max})."));
        }

        var body = compress ? GrpcCompression.Compress(GrpcCompression.Gzip, payload) : payload;
        GrpcFraming.WriteHeader(writer.GetSpan(GrpcFraming.HeaderSize), compress, body.Length);
        writer.Advance(GrpcFraming.HeaderSize);
        writer.Write(body);
        var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
