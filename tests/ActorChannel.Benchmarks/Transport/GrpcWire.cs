using System.Buffers.Binary;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// The 5-byte gRPC message prefix, by hand, for the floor clients and the in-process endpoint: the least any gRPC
/// implementation must do on the wire, so what a real client costs above it shows.
/// </summary>
internal static class GrpcWire
{
    public static void WriteHeader(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    public static int ReadLength(ReadOnlySpan<byte> header) =>
        header[0] == 0 ? checked((int)BinaryPrimitives.ReadUInt32BigEndian(header[1..])) : throw new InvalidDataException("compressed message");

    public static byte[] Frame(byte[] payload)
    {
        var framed = new byte[5 + payload.Length];
        WriteHeader(framed, payload.Length);
        payload.CopyTo(framed.AsSpan(5));
        return framed;
    }

    /// <summary>The one message of a unary request body, or null for an empty body.</summary>
    public static async Task<byte[]?> ReadMessageAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cancellationToken) < 5)
        {
            return null;
        }

        var payload = new byte[ReadLength(header)];
        await body.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }
}
