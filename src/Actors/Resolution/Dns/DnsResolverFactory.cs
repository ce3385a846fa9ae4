using System.Net;
using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// dns:///host[:port] (also dns:host[:port] and a bare host[:port] under the default scheme), dns:///_grpc._tcp.host
/// for SRV records, and dns://server[:port]/... to ask that DNS server (an IP address; port 53 when missing).
/// Port 443 when missing; ":port" means localhost; IP literals need no lookup. See <see cref="DnsResolverOptions"/>
/// for the intervals, the TTL refresh and the TXT service config.
/// </summary>
public sealed class DnsResolverFactory : IResolverFactory
{
    public const int DefaultPort = 443;

    /// <summary>The port of a DNS server named without one.</summary>
    public const int DefaultServerPort = 53;

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _osLookup;
    private readonly Func<string, bool> _isOsName;

    public DnsResolverFactory()
        : this(new DnsResolverOptions())
    {
    }

    public DnsResolverFactory(TimeSpan minResolveInterval, TimeSpan lookupTimeout)
        : this(new DnsResolverOptions { MinResolveInterval = minResolveInterval, LookupTimeout = lookupTimeout })
    {
    }

    public DnsResolverFactory(DnsResolverOptions options)
        : this(options, Dns.GetHostAddressesAsync, host => HostsFile.IsLocalhost(host) || HostsFile.Lists(HostsFile.DefaultPath, host))
    {
    }

    /// <summary>Tests swap the OS lookup, and send every name to it, so they never depend on a real DNS beyond localhost.</summary>
    internal DnsResolverFactory(TimeSpan minResolveInterval, TimeSpan lookupTimeout, Func<string, CancellationToken, Task<IPAddress[]>> lookup)
        : this(new DnsResolverOptions { MinResolveInterval = minResolveInterval, LookupTimeout = lookupTimeout }, lookup, _ => true)
    {
    }

    internal DnsResolverFactory(DnsResolverOptions options, Func<string, CancellationToken, Task<IPAddress[]>> osLookup, Func<string, bool> isOsName)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _osLookup = osLookup;
        _isOsName = isOsName;
    }

    public string Scheme => "dns";

    public DnsResolverOptions Options { get; }

    public TimeSpan MinResolveInterval => Options.MinResolveInterval;

    public TimeSpan LookupTimeout => Options.LookupTimeout;

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        var name = Parse(target);
        if (IpLiteral.TryParse(name.Host, out var ip))
        {
            return new StaticResolver(new ResolutionResult([new TransportAddress(new IPEndPoint(ip, name.Port))]));
        }

        return new DnsResolver(name, Options, new DnsQueries(name.Server, Options.LookupTimeout), _osLookup, _isOsName, context);
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

    internal static DnsName Parse(ChannelTarget target)
    {
        var server = target.Authority.Length == 0 ? null : ParseServer(target);
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

        var srv = DnsName.LooksLikeSrv(host);
        if (srv && hostPort.Port is not null)
        {
            throw TargetSyntax.Invalid(target.Original, $"'{host}' is an SRV name, whose records give the ports: drop the ':{hostPort.Port}'");
        }

        return new DnsName(host, hostPort.Port ?? DefaultPort, srv, server);
    }

    // grpc-go also accepts a server's host name; an IP address is enough here and needs no lookup to find the server.
    private static IPEndPoint ParseServer(ChannelTarget target)
    {
        var authority = target.Authority;
        var hostPort = HostPort.Split(target.Original, authority, $"the DNS server '{authority}'");
        if (!IpLiteral.TryParse(hostPort.Host, out var ip))
        {
            throw TargetSyntax.Invalid(
                target.Original,
                $"the authority '{TargetSyntax.Printable(authority)}' names the DNS server to ask, which must be an IP address with an optional port, e.g. dns://127.0.0.1:53/host:port");
        }

        return new IPEndPoint(ip, hostPort.Port ?? DefaultServerPort);
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
