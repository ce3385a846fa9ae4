using System.Net;
using System.Net.Sockets;
using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// C-core's static address lists: ipv4:a[:port][,b[:port]...] and ipv6:addr|[addr][:port][,...]. Every entry is
/// validated; a missing port is 443. The default authority is the first entry as written.
/// </summary>
internal static class IpList
{
    public const int DefaultPort = 443;

    public static ResolutionResult Parse(ChannelTarget target, AddressFamily family)
    {
        var scheme = family == AddressFamily.InterNetwork ? "ipv4" : "ipv6";
        if (target.Authority.Length > 0)
        {
            throw TargetSyntax.Invalid(target.Original, $"an {scheme} target has no authority, but '{target.Authority}' was given (write {scheme}:addr:port,...)");
        }

        if (target.Endpoint.Length == 0)
        {
            throw TargetSyntax.Invalid(target.Original, $"the {scheme} address list is empty");
        }

        var entries = target.Endpoint.Split(',');
        var addresses = new List<TransportAddress>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.Length == 0)
            {
                throw TargetSyntax.Invalid(target.Original, $"entry {i + 1} of the {scheme} address list is empty");
            }

            var where = $"the {scheme} address '{entry}'";
            var hostPort = HostPort.Split(target.Original, entry, where);
            if (!IpLiteral.TryParse(hostPort.Host, out var ip) || ip.AddressFamily != family)
            {
                throw TargetSyntax.Invalid(target.Original, $"'{hostPort.Host}' in the {scheme} address list is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");
            }

            addresses.Add(new TransportAddress(new IPEndPoint(ip, hostPort.Port ?? DefaultPort)));
        }

        return new ResolutionResult(addresses);
    }

    public static string FirstEntry(ChannelTarget target)
    {
        var comma = target.Endpoint.IndexOf(',');
        return comma < 0 ? target.Endpoint : target.Endpoint[..comma];
    }
}

/// <summary>A fixed list of IP addresses of one family; the two schemes differ only in name and family.</summary>
public abstract class IpListResolverFactory : IResolverFactory
{
    private readonly AddressFamily _family;

    private protected IpListResolverFactory(string scheme, AddressFamily family)
    {
        Scheme = scheme;
        _family = family;
    }

    public string Scheme { get; }

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StaticResolver(IpList.Parse(target, _family));
    }

    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return IpList.FirstEntry(target);
    }
}

/// <summary>ipv4:1.2.3.4:80,5.6.7.8 — a fixed list of IPv4 addresses (port 443 when missing).</summary>
public sealed class Ipv4ResolverFactory() : IpListResolverFactory("ipv4", AddressFamily.InterNetwork);

/// <summary>ipv6:[::1]:80,[::2],::3 — a fixed list of IPv6 addresses (brackets needed with a port; 443 when missing).</summary>
public sealed class Ipv6ResolverFactory() : IpListResolverFactory("ipv6", AddressFamily.InterNetworkV6);
