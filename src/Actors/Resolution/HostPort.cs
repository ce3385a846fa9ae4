using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Resolution;

/// <summary>
/// host[:port] as gRPC writes it: "host", "host:port", "[v6]", "[v6]:port", or a bare IPv6 literal ("::1",
/// which cannot carry a port). Port is null when none was written.
/// </summary>
internal readonly record struct HostPort(string Host, int? Port)
{
    /// <summary>Splits decoded text; throws ArgumentException quoting the target and naming <paramref name="where"/>.</summary>
    public static HostPort Split(string target, string text, string where)
    {
        if (text.StartsWith('['))
        {
            return SplitBracketed(target, text, where);
        }

        var colon = text.IndexOf(':');
        if (colon >= 0 && text.IndexOf(':', colon + 1) >= 0)
        {
            if (IsIpv6(text))
            {
                return new HostPort(text, null);
            }

            throw TargetSyntax.Invalid(target, $"{where} has more than one ':' but is not an IPv6 address (write an IPv6 address with a port as [addr]:port)");
        }

        var host = colon < 0 ? text : text[..colon];
        CheckHost(target, host, where);
        int? port = colon < 0 ? null : TargetSyntax.ParsePort(target, text[(colon + 1)..], where);
        return new HostPort(host, port);
    }

    /// <summary>
    /// The lenient check <see cref="ChannelTarget.Parse(string)"/> makes on a target without a scheme, where it
    /// cannot know the resolver: host:port shapes must be well formed; paths and bare IPv6 literals are left
    /// to the resolver.
    /// </summary>
    public static void CheckShapeWithoutScheme(string target)
    {
        const string where = "the target";
        var text = TargetSyntax.PercentDecode(target, target, "target");
        if (text.StartsWith('['))
        {
            SplitBracketed(target, text, where);
            return;
        }

        if (text.Contains('/'))
        {
            return;
        }

        var colons = text.Count(c => c == ':');
        if (colons == 1)
        {
            Split(target, text, where);
        }
        else if (colons == 0)
        {
            CheckHost(target, text, where);
        }
    }

    public static bool IsIpv6(string text) =>
        !text.Contains('[') && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;

    private static HostPort SplitBracketed(string target, string text, string where)
    {
        var close = text.IndexOf(']');
        if (close < 0)
        {
            throw TargetSyntax.Invalid(target, $"{where} has a '[' without a closing ']'");
        }

        var host = text[1..close];
        if (!IsIpv6(host))
        {
            throw TargetSyntax.Invalid(target, $"'[{TargetSyntax.Printable(host)}]' in {where} is not an IPv6 address");
        }

        var after = text[(close + 1)..];
        if (after.Length == 0)
        {
            return new HostPort(host, null);
        }

        if (after[0] != ':')
        {
            throw TargetSyntax.Invalid(target, $"{where} has '{TargetSyntax.Printable(after)}' after the IPv6 address where only ':port' may follow");
        }

        return new HostPort(host, TargetSyntax.ParsePort(target, after[1..], where));
    }

    private static void CheckHost(string target, string host, string where)
    {
        if (host.Any(char.IsWhiteSpace))
        {
            throw TargetSyntax.Invalid(target, $"the host '{TargetSyntax.Printable(host)}' in {where} contains whitespace");
        }
    }

    /// <summary>host:port with IPv6 hosts in brackets, the form :authority and logs use.</summary>
    public static string Format(string host, int port) =>
        host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
