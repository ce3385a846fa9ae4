using System.Net;
using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// dns:///host[:port] (also dns:host[:port] and a bare host[:port] under the default scheme). Port 443 when
/// missing; ":port" means localhost; IP literals need no lookup. The authority form dns://server/host, which
/// names a DNS server, is not supported: Create throws. Re-resolution is allowed once per 30 s; each
/// lookup gives up after 30 s (both configurable).
/// </summary>
public sealed class DnsResolverFactory : IResolverFactory
{
    public const int DefaultPort = 443;

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _lookup;

    public DnsResolverFactory()
        : this(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30))
    {
    }

    public DnsResolverFactory(TimeSpan minResolveInterval, TimeSpan lookupTimeout)
        : this(minResolveInterval, lookupTimeout, Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>Tests swap the lookup so they never depend on a real DNS beyond localhost.</summary>
    internal DnsResolverFactory(TimeSpan minResolveInterval, TimeSpan lookupTimeout, Func<string, CancellationToken, Task<IPAddress[]>> lookup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResolveInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lookupTimeout, TimeSpan.Zero);
        MinResolveInterval = minResolveInterval;
        LookupTimeout = lookupTimeout;
        _lookup = lookup;
    }

    public string Scheme => "dns";

    public TimeSpan MinResolveInterval { get; }

    public TimeSpan LookupTimeout { get; }

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        var (host, port) = HostAndPort(target);
        if (IpLiteral.TryParse(host, out var ip))
        {
            return new StaticResolver(new ResolutionResult([new TransportAddress(new IPEndPoint(ip, port))]));
        }

        return new DnsResolver(host, port, MinResolveInterval, LookupTimeout, _lookup, context);
    }

    /// <summary>
    /// The endpoint as written (host[:port]), grpc-go's default, except where that is no valid :authority:
    /// ":port" gets "localhost" in front and a bare IPv6 literal gets brackets.
    /// </summary>
    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var endpoint = target.Endpoint;
        if (endpoint.StartsWith(':') && !HostPort.IsIpv6(endpoint))
        {
            return "localhost" + endpoint;
        }

        return HostPort.IsIpv6(endpoint) ? $"[{endpoint}]" : endpoint;
    }

    internal static (string Host, int Port) HostAndPort(ChannelTarget target)
    {
        if (target.Authority.Length > 0)
        {
            throw TargetSyntax.Invalid(
                target.Original,
                $"the authority '{target.Authority}' would name a DNS server, which this dns resolver does not support (write dns:///host:port)");
        }

        var endpoint = target.Endpoint;
        if (endpoint.Length == 0)
        {
            throw TargetSyntax.Invalid(target.Original, "dns needs a host to resolve, e.g. dns:///example.com:443");
        }

        var hostPort = HostPort.Split(target.Original, endpoint, $"the endpoint '{endpoint}'");
        var host = hostPort.Host.Length == 0 ? "localhost" : hostPort.Host;
        if (!IpLiteral.TryParse(host, out _) && !IsDnsName(host))
        {
            throw TargetSyntax.Invalid(target.Original, $"the host '{TargetSyntax.Printable(host)}' is neither a DNS name nor an IP address");
        }

        return (host, hostPort.Port ?? DefaultPort);
    }

    // Letters (any script, for IDN), digits, '-' and '_' (seen in service names); labels 1-63, one trailing dot allowed.
    private static bool IsDnsName(string host)
    {
        var name = host.EndsWith('.') ? host[..^1] : host;
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || !label.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
