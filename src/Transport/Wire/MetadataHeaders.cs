namespace ActorChannel.Transport;

/// <summary>
/// Metadata ↔ HTTP/2 headers. "-bin" values travel base64 (sent padded; received padded or not,
/// several values may share one header separated by commas). Transport-owned headers
/// (pseudo-headers, content-type, grpc-status, ...) are not metadata and are skipped on receive.
/// </summary>
public static class MetadataHeaders
{
    /// <summary>The header value to send for an entry (base64 for "-bin").</summary>
    public static string ToHeaderValue(Metadata.Entry entry) => entry.Value;

    /// <summary>Names and values to send, in order.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ToHeaders(Metadata metadata)
    {
        foreach (var e in metadata)
        {
            yield return new KeyValuePair<string, string>(e.Key, e.Value);
        }
    }

    /// <summary>
    /// Adds a received header to <paramref name="metadata"/>. Returns false (adding nothing) for a
    /// header that is not metadata (reserved, pseudo, invalid name or value).
    /// </summary>
    public static bool TryAddReceived(Metadata metadata, string name, string value)
    {
        if (!IsMetadataName(name))
        {
            return false;
        }

        var key = name.ToLowerInvariant();
        if (key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            var added = false;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (TryDecodeBase64(part, out var bytes))
                {
                    metadata.Add(key, bytes);
                    added = true;
                }
            }

            return added;
        }

        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        metadata.Add(key, value);
        return true;
    }

    /// <summary>Metadata from received headers (each name with one or more values).</summary>
    public static Metadata FromHeaders(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        var md = new Metadata();
        foreach (var (name, values) in headers)
        {
            foreach (var v in values)
            {
                TryAddReceived(md, name, v);
            }
        }

        return md;
    }

    /// <summary>True for a name a call may carry as metadata (valid, not reserved, not a pseudo-header).</summary>
    public static bool IsMetadataName(string name) => MetadataKey.IsValid(name);

    /// <summary>Decodes base64 with or without '=' padding (gRPC peers send both).</summary>
    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var rem = text.Length % 4;
        if (rem == 1)
        {
            bytes = [];
            return false;
        }

        var padded = rem == 0 ? text : text + new string('=', 4 - rem);
        bytes = new byte[(padded.Length / 4) * 3];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            if (written != bytes.Length)
            {
                bytes = bytes.AsSpan(0, written).ToArray();
            }

            return true;
        }

        bytes = [];
        return false;
    }
}
