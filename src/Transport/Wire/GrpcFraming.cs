using System.Buffers.Binary;

namespace ActorChannel.Transport;

/// <summary>The 5-byte prefix of a gRPC message: a compressed flag and a big-endian 32-bit length.</summary>
public readonly record struct GrpcFrameHeader(bool Compressed, uint Length);

/// <summary>
/// gRPC's length-prefixed message framing (PROTOCOL-HTTP2 "Length-Prefixed-Message").
/// Shared by the client transport and the server so both sides frame the same way.
/// </summary>
public static class GrpcFraming
{
    public const int HeaderSize = 5;

    /// <summary>Writes the 5-byte prefix for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (destination.Length < HeaderSize)
        {
            throw new ArgumentException($"A gRPC message header needs {HeaderSize} bytes, the buffer has {destination.Length}.", nameof(destination));
        }

        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Parses a prefix; throws <see cref="InvalidDataException"/> for a flag other than 0 or 1.</summary>
    public static GrpcFrameHeader ReadHeader(ReadOnlySpan<byte> source)
    {
        if (source.Length < HeaderSize)
        {
            throw new InvalidDataException($"Truncated gRPC message header: {source.Length} of {HeaderSize} bytes.");
        }

        var flag = source[0];
        if (flag > 1)
        {
            throw new InvalidDataException($"Invalid gRPC message compressed flag {flag} (must be 0 or 1).");
        }

        return new GrpcFrameHeader(flag == 1, BinaryPrimitives.ReadUInt32BigEndian(source[1..]));
    }

    /// <summary>A new array holding the prefix followed by <paramref name="payload"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var framed = new byte[HeaderSize + payload.Length];
        WriteHeader(framed, compressed, payload.Length);
        payload.CopyTo(framed.AsSpan(HeaderSize));
        return framed;
    }

    /// <summary>
    /// Reads one message from <paramref name="stream"/>. Returns null at a clean end (EOF before any
    /// header byte). Throws <see cref="InvalidDataException"/> for a truncated header or body, and
    /// <see cref="GrpcMessageTooLargeException"/> when the declared length exceeds <paramref name="maxLength"/>
    /// (checked before anything is allocated, so a hostile 2 GiB prefix costs nothing).
    /// </summary>
    public static async ValueTask<GrpcMessage?> ReadMessageAsync(Stream stream, int? maxLength, CancellationToken cancellationToken = default)
    {
        var header = new byte[HeaderSize];
        var got = await ReadAtLeastAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < HeaderSize)
        {
            throw new InvalidDataException($"Stream ended inside a gRPC message header ({got} of {HeaderSize} bytes).");
        }

        var h = ReadHeader(header);
        if (maxLength is { } max && h.Length > (uint)max)
        {
            throw new GrpcMessageTooLargeException(h.Length, max);
        }

        if (h.Length > Array.MaxLength)
        {
            throw new GrpcMessageTooLargeException(h.Length, Array.MaxLength);
        }

        var body = h.Length == 0 ? Array.Empty<byte>() : new byte[h.Length];
        got = await ReadAtLeastAsync(stream, body, cancellationToken).ConfigureAwait(false);
        if (got < body.Length)
        {
            throw new InvalidDataException($"Stream ended inside a gRPC message: {got} of {h.Length} declared bytes arrived.");
        }

        return new GrpcMessage(h.Compressed, body);
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

/// <summary>One received message: its payload as sent (still compressed when <see cref="Compressed"/>).</summary>
public sealed record GrpcMessage(bool Compressed, byte[] Payload);

/// <summary>A message declared or found larger than the configured limit (RESOURCE_EXHAUSTED).</summary>
public sealed class GrpcMessageTooLargeException(long length, int limit)
    : Exception($"gRPC message of {length} bytes exceeds the limit of {limit} bytes.")
{
    public long Length { get; } = length;

    public int Limit { get; } = limit;
}
