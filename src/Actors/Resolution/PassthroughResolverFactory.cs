using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// passthrough:///host:port — the endpoint goes to the transport unchanged, as in grpc-go: no lookup here.
/// A TransportAddress is a dialable endpoint, so the endpoint must be host:port: an IP literal becomes an
/// IPEndPoint, a name a DnsEndPoint that the socket connect resolves. There is no default port (grpc-go's
/// dialer also fails without one); ":port" means localhost. "unix:..." and "unix-abstract:..." endpoints
/// (grpc-go's dialer accepts them too) become Unix domain socket addresses.
/// </summary>
public sealed class PassthroughResolverFactory : IResolverFactory
{
    public string Scheme => "passthrough";

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StaticResolver(new ResolutionResult([AddressOf(target)]));
    }

    public string GetDefaultAuthority(ChannelTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Endpoint;
    }

    internal static TransportAddress AddressOf(ChannelTarget target)
    {
        var endpoint = target.Endpoint;
        if (endpoint.Length == 0)
        {
            throw TargetSyntax.Invalid(target.Original, "passthrough needs an address in the endpoint, e.g. passthrough:///host:port");
        }

        if (endpoint.StartsWith("unix:", StringComparison.Ordinal) || endpoint.StartsWith("unix-abstract:", StringComparison.Ordinal))
        {
            var inner = ChannelTarget.Parse(endpoint, digitsAfterColonMeanPort: false);
            return UnixSocketAddress.From(inner, isAbstract: inner.Scheme == "unix-abstract");
        }

        var hostPort = HostPort.Split(target.Original, endpoint, $"the endpoint '{endpoint}'");
        if (hostPort.Port is not { } port)
        {
            throw TargetSyntax.Invalid(
                target.Original,
                $"passthrough hands the endpoint '{endpoint}' to the transport unchanged, and a TCP address needs a port: write host:port");
        }

        var host = hostPort.Host.Length == 0 ? "localhost" : hostPort.Host;
        return IpLiteral.TryParse(host, out var ip)
            ? new TransportAddress(new System.Net.IPEndPoint(ip, port))
            : new TransportAddress(new System.Net.DnsEndPoint(host, port));
    }
}
