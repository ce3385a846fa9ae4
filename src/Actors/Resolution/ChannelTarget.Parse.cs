using System.Diagnostics.CodeAnalysis;

namespace ActorChannel.Resolution;

/// <summary>
/// Parsing rules (naming.md, RFC 3986, grpc-go's target handling):
/// <list type="bullet">
/// <item><c>scheme://authority/endpoint</c>: the authority is kept as written (validated, port 0–65535 if any);
/// the endpoint is everything after the slash that ends the authority, percent-decoded.</item>
/// <item><c>scheme:endpoint</c> (no "//"): the endpoint is everything after the colon, percent-decoded
/// (<c>unix:relative/path</c>, <c>unix:/abs</c>, <c>ipv4:1.2.3.4:80,5.6.7.8</c>).</item>
/// <item>No scheme: when the text before the first ':' is not a valid scheme (<c>127.0.0.1:80</c>,
/// <c>[::1]:80</c>, <c>/tmp/sock</c>), or when it is followed by a decimal port only (<c>localhost:50051</c>).
/// Then Scheme and Authority are empty and Endpoint is the percent-decoded target; the registry applies
/// the default scheme. host[:port] shapes are checked (no whitespace in the host, port in range).</item>
/// <item>A query (<c>?...</c>) after a scheme is kept raw in <see cref="Query"/>; a fragment (<c>#</c>) is an error.</item>
/// </list>
/// </summary>
public sealed partial record ChannelTarget
{
    /// <summary>
    /// True when the target was written <c>scheme://authority/...</c>: its URI path then starts with the '/'
    /// that <see cref="Endpoint"/> leaves out (unix:///abs/path has Endpoint "abs/path" and means "/abs/path").
    /// </summary>
    public bool HasAuthority { get; init; }

    /// <summary>The raw query after '?', without the '?'; empty when there is none.</summary>
    public string Query { get; init; } = "";

    /// <summary>The URI path as written: "/" + Endpoint for the authority form, else Endpoint.</summary>
    public string Path => HasAuthority ? "/" + Endpoint : Endpoint;

    /// <summary>Parses a dial target; throws ArgumentException quoting the target and naming the bad part.</summary>
    public static ChannelTarget Parse(string target) => Parse(target, digitsAfterColonMeanPort: true);

    /// <summary>Like <see cref="Parse(string)"/>, but returns false instead of throwing.</summary>
    public static bool TryParse(string? target, [NotNullWhen(true)] out ChannelTarget? result)
    {
        try
        {
            result = target is null ? null : Parse(target);
        }
        catch (ArgumentException)
        {
            result = null;
        }

        return result is not null;
    }

    /// <summary>
    /// A URI that parses back to the same Scheme, Authority, Endpoint and Query, with the endpoint
    /// percent-encoded. Targets without a scheme give their original text.
    /// </summary>
    public string ToUriString()
    {
        if (Scheme.Length == 0)
        {
            return Original;
        }

        var query = Query.Length > 0 ? "?" + Query : "";
        var encoded = TargetSyntax.PercentEncodePath(Endpoint);
        if (HasAuthority || Authority.Length > 0)
        {
            return $"{Scheme}://{Authority}/{encoded}{query}";
        }

        // Escape one character where the plain text would read differently: "//" would start an
        // authority, and "dns:443" would read as host "dns" port 443.
        if (encoded.StartsWith("//", StringComparison.Ordinal) || TargetSyntax.IsAllDigits(encoded))
        {
            encoded = $"%{(int)encoded[0]:X2}{encoded[1..]}";
        }

        return $"{Scheme}:{encoded}{query}";
    }

    /// <param name="target">The target text.</param>
    /// <param name="digitsAfterColonMeanPort">
    /// True: "name:123" is host and port, not scheme "name". The registry passes false once it knows
    /// "name" is a registered scheme, as grpc-go does.
    /// </param>
    internal static ChannelTarget Parse(string target, bool digitsAfterColonMeanPort)
    {
        ArgumentNullException.ThrowIfNull(target);
        CheckCharacters(target);
        var colon = target.IndexOf(':');
        if (colon > 0
            && TargetSyntax.IsValidScheme(target.AsSpan(0, colon))
            && !(digitsAfterColonMeanPort && TargetSyntax.IsAllDigits(target.AsSpan(colon + 1))))
        {
            return ParseWithScheme(target, colon);
        }

        return ParseWithoutScheme(target);
    }

    private static void CheckCharacters(string target)
    {
        if (target.Length == 0)
        {
            throw TargetSyntax.Invalid(target, "the target is empty");
        }

        if (string.IsNullOrWhiteSpace(target))
        {
            throw TargetSyntax.Invalid(target, "the target is only whitespace");
        }

        if (char.IsWhiteSpace(target[0]) || char.IsWhiteSpace(target[^1]))
        {
            throw TargetSyntax.Invalid(target, "the target has leading or trailing whitespace");
        }

        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            if (char.IsControl(c))
            {
                throw TargetSyntax.Invalid(target, $"the target contains the control character U+{(int)c:X4} at index {i}");
            }

            if (char.IsSurrogate(c) && !char.IsSurrogatePair(target, i))
            {
                throw TargetSyntax.Invalid(target, $"the target contains an unpaired surrogate at index {i}");
            }

            if (char.IsHighSurrogate(c))
            {
                i++;
            }
        }

        var hash = target.IndexOf('#');
        if (hash >= 0)
        {
            throw TargetSyntax.Invalid(target, $"the target has a fragment '{target[hash..]}'; escape '#' as %23");
        }
    }

    private static ChannelTarget ParseWithScheme(string target, int colon)
    {
        var scheme = target[..colon].ToLowerInvariant();
        var rest = target[(colon + 1)..];
        var query = "";
        var questionMark = rest.IndexOf('?');
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
            TargetSyntax.PercentDecode(target, query, "query");
        }

        var authority = "";
        var path = rest;
        var hasAuthority = rest.StartsWith("//", StringComparison.Ordinal);
        if (hasAuthority)
        {
            var slash = rest.IndexOf('/', 2);
            authority = slash < 0 ? rest[2..] : rest[2..slash];
            path = slash < 0 ? "" : rest[(slash + 1)..];
            CheckAuthority(target, authority);
        }

        var endpoint = TargetSyntax.PercentDecode(target, path, "endpoint");
        return new ChannelTarget(scheme, authority, endpoint, target) { HasAuthority = hasAuthority, Query = query };
    }

    private static ChannelTarget ParseWithoutScheme(string target)
    {
        HostPort.CheckShapeWithoutScheme(target);
        var endpoint = TargetSyntax.PercentDecode(target, target, "target");
        return new ChannelTarget("", "", endpoint, target);
    }

    private static void CheckAuthority(string target, string authority)
    {
        foreach (var c in authority)
        {
            if (char.IsWhiteSpace(c))
            {
                throw TargetSyntax.Invalid(target, $"the authority '{authority}' contains whitespace");
            }

            if (TargetSyntax.IsForbiddenInAuthority(c))
            {
                throw TargetSyntax.Invalid(target, $"the authority '{authority}' contains '{c}', which a URI authority cannot hold");
            }
        }

        var decoded = TargetSyntax.PercentDecode(target, authority, "authority");
        var at = decoded.LastIndexOf('@');
        var hostPort = at < 0 ? decoded : decoded[(at + 1)..];
        // A comma list names several servers (etcd://a:2379,b:2379/...): each must be a host[:port].
        foreach (var member in hostPort.Length == 0 ? [] : hostPort.Split(','))
        {
            HostPort.Split(target, member, $"the authority '{authority}'");
        }
    }
}
