using System.IO.Compression;

namespace ActorChannel.Transport;

/// <summary>Message compression for grpc-encoding; only "identity" and "gzip" are supported.</summary>
public static class GrpcCompression
{
    public const string Gzip = "gzip";
    public const string Identity = "identity";

    /// <summary>The grpc-accept-encoding value this side advertises.</summary>
    public const string AcceptEncoding = "identity,gzip";

    public static bool IsSupported(string? encoding) =>
        encoding is null or "" || string.Equals(encoding, Identity, StringComparison.OrdinalIgnoreCase) || string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase);

    public static byte[] Compress(string encoding, ReadOnlySpan<byte> data)
    {
        RequireGzip(encoding);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>Decompresses, refusing output larger than <paramref name="maxLength"/> (a zip bomb must not get past the receive limit).</summary>
    public static byte[] Decompress(string encoding, byte[] data, int? maxLength) => Decompress(encoding, data, data.Length, maxLength);

    /// <summary>Decompresses the first <paramref name="length"/> bytes of <paramref name="data"/>.</summary>
    public static byte[] Decompress(string encoding, byte[] data, int length, int? maxLength)
    {
        RequireGzip(encoding);
        using var gz = new GZipStream(new MemoryStream(data, 0, length, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = gz.Read(buffer)) > 0)
        {
            if (maxLength is { } max && output.Length + n > max)
            {
                throw new GrpcMessageTooLargeException(output.Length + n, max);
            }

            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    private static void RequireGzip(string encoding)
    {
        if (!string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Unsupported grpc-encoding '{encoding}' (supported: identity, gzip).");
        }
    }
}
