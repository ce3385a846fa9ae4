using System.Text;

namespace ActorChannel.Transport;

/// <summary>
/// The grpc-message header's percent-encoding (PROTOCOL-HTTP2): the UTF-8 bytes of the message,
/// with every byte outside 0x20-0x7E and '%' itself written as %XX.
/// </summary>
public static class GrpcMessageEncoding
{
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var plain = true;
        foreach (var c in message)
        {
            if (NeedsEscape(c))
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            if (NeedsEscape((char)b))
            {
                sb.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Decodes %XX sequences and reads the bytes as UTF-8. A '%' not followed by two hex digits is
    /// kept as is (the spec asks receivers to be lenient); invalid UTF-8 becomes U+FFFD.
    /// </summary>
    public static string Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            return string.Empty;
        }

        if (!encoded.Contains('%'))
        {
            return encoded;
        }

        var bytes = new List<byte>(encoded.Length);
        Span<byte> buf = stackalloc byte[4];
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%' && i + 2 < encoded.Length && TryHex(encoded[i + 1], out var hi) && TryHex(encoded[i + 2], out var lo))
            {
                bytes.Add((byte)((hi << 4) | lo));
                i += 2;
            }
            else if (c <= 0x7F)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // A peer that sent raw non-ASCII: keep the character rather than drop it.
                var n = Encoding.UTF8.GetBytes(encoded.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1), buf);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(buf[k]);
                }

                if (char.IsHighSurrogate(c) && i + 1 < encoded.Length)
                {
                    i++;
                }
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEscape(char c) => c < 0x20 || c > 0x7E || c == '%';

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
