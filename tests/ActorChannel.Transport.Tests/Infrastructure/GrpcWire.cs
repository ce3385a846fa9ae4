using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>
/// The little of gRPC's wire format the test servers need to speak for themselves (the client side is
/// Grpc.Net.Client's): length-prefixed messages, gzip, and the grpc-message percent-encoding.
/// </summary>
public static class GrpcWire
{
    /// <summary>One length-prefixed message: the compressed flag, the length (big-endian), the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var framed = new byte[5 + payload.Length];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed.AsSpan(5));
        return framed;
    }

    public static byte[] Frame(string text) => Frame(Encoding.UTF8.GetBytes(text));

    /// <summary>A length prefix alone, declaring <paramref name="declared"/> bytes that may never come.</summary>
    public static byte[] Prefix(uint declared)
    {
        var prefix = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), declared);
        return prefix;
    }

    /// <summary>The next message of a request body, or null at its clean end.</summary>
    public static async Task<(bool Compressed, byte[] Payload)?> ReadMessageAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        var got = await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        if (got < 5)
        {
            throw new InvalidDataException($"The request ended inside a message header ({got} of 5 bytes).");
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload, cancellationToken);
        return (header[0] == 1, payload);
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>grpc-message's encoding (PROTOCOL-HTTP2): UTF-8, with '%' and every byte outside 0x20-0x7E as %XX.</summary>
    public static string PercentEncode(string message)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2"));
            }
        }

        return sb.ToString();
    }

    /// <summary>Reads a grpc-timeout header value (digits and a unit) as a time span; false if malformed.</summary>
    public static bool TryParseTimeout(string value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9 || !long.TryParse(value.AsSpan(0, value.Length - 1), out var amount) || amount < 0)
        {
            return false;
        }

        long? ticksPerUnit = value[^1] switch
        {
            'H' => TimeSpan.TicksPerHour,
            'M' => TimeSpan.TicksPerMinute,
            'S' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMillisecond,
            'u' => TimeSpan.TicksPerMicrosecond,
            'n' => null,
            _ => -1,
        };
        if (ticksPerUnit == -1)
        {
            return false;
        }

        timeout = ticksPerUnit is { } perUnit ? TimeSpan.FromTicks(amount * perUnit) : TimeSpan.FromTicks(amount / 100);
        return true;
    }
}
