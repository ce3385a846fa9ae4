namespace ActorChannel.Transport;

/// <summary>Rules for metadata keys from PROTOCOL-HTTP2: lower-case [0-9a-z_.-], no reserved names.</summary>
public static class MetadataKey
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "content-type", "te", "user-agent", "host", "connection", "transfer-encoding", "upgrade",
        "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-status", "grpc-message",
        "grpc-status-details-bin", "grpc-previous-rpc-attempts", "grpc-retry-pushback-ms",

        // Valid names the HTTP stack mishandles: content-length fails the call, keep-alive and
        // proxy-connection are dropped silently, expect: 100-continue holds the body back.
        "content-length", "keep-alive", "proxy-connection", "expect",
    };

    /// <summary>
    /// True when <paramref name="key"/> may be used as a metadata key (any case). Does not throw: meant
    /// for filtering received headers, where reserved names (te, content-type, grpc-*) are the rule.
    /// </summary>
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key[0] == ':')
        {
            return false;
        }

        var hasUpper = false;
        foreach (var c in key)
        {
            if (c is >= 'A' and <= 'Z')
            {
                hasUpper = true;
            }
            else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return !Reserved.Contains(hasUpper ? key.ToLowerInvariant() : key);
    }

    /// <summary>Returns the key in lower case, or throws naming what is wrong with it.</summary>
    public static string Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("Metadata key is empty.", nameof(key));
        }

        var lower = key.ToLowerInvariant();
        if (lower[0] == ':')
        {
            throw new ArgumentException($"Metadata key '{key}' is an HTTP/2 pseudo-header, which calls may not set.", nameof(key));
        }

        foreach (var c in lower)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!ok)
            {
                throw new ArgumentException($"Metadata key '{key}' has an invalid character '{c}' (allowed: 0-9 a-z _ - .).", nameof(key));
            }
        }

        if (Reserved.Contains(lower))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved by gRPC or HTTP/2 and is set by the transport itself.", nameof(key));
        }

        return lower;
    }
}
