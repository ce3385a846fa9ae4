using System.Globalization;
using System.IO.Compression;
using System.Text;
using ActorChannel.Transport;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>
/// The wire rules the server needs (grpc-timeout, grpc-message encoding, gzip, received metadata).
/// INTERIM: written before the transport's public wire helpers landed; switch each method to them
/// (GrpcTimeout, GrpcMessageEncoding, GrpcCompression, MetadataHeaders) once they are in main.
/// </summary>
internal static class ServerWire
{
    public const string Gzip = "gzip";
    public const string Identity = "identity";
    public const string AcceptEncoding = "identity,gzip";

    public static bool TryDecodeTimeout(string text, out TimeSpan timeout)
    {
        timeout = default;
        if (text.Length is < 2 or > 9 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        long? ticksPerUnit = text[^1] switch
        {
            'H' => TimeSpan.TicksPerHour,
            'M' => TimeSpan.TicksPerMinute,
            'S' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMillisecond,
            'u' => 10,
            'n' => 0,
            _ => null,
        };
        if (ticksPerUnit is null)
        {
            return false;
        }

        timeout = text[^1] == 'n' ? TimeSpan.FromTicks(value / 100) : TimeSpan.FromTicks(value * ticksPerUnit.Value);
        return true;
    }

    /// <summary>Percent-encodes the UTF-8 bytes outside printable ASCII, and '%' itself.</summary>
    public static string EncodeMessage(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    public static bool IsSupportedEncoding(string? encoding) =>
        string.IsNullOrEmpty(encoding) || encoding is Identity or Gzip;

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>Decompresses, refusing output over <paramref name="maxLength"/> so a zip bomb cannot pass the receive limit.</summary>
    public static byte[] Decompress(byte[] data, int maxLength)
    {
        using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = gz.Read(buffer)) > 0)
        {
            if (output.Length + n > maxLength)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received decompressed message larger than the limit ({maxLength} bytes)."));
            }

            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    /// <summary>Adds a received header as metadata; false for headers that are not metadata (reserved, pseudo, invalid).</summary>
    public static bool TryAddReceived(Metadata metadata, string name, string value)
    {
        string key;
        try
        {
            if (name.Length == 0 || name[0] == ':')
            {
                return false;
            }

            key = MetadataKey.Validate(name);
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (!key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            try
            {
                metadata.Add(key, value);
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        var added = false;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var padded = part.Length % 4 == 0 ? part : part + new string('=', 4 - (part.Length % 4));
            try
            {
                metadata.Add(key, Convert.FromBase64String(padded));
                added = true;
            }
            catch (FormatException)
            {
            }
        }

        return added;
    }
}
