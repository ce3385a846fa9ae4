using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Transport;

/// <summary>One resolved address a connection dials: a TCP endpoint or a Unix domain socket.</summary>
public sealed record TransportAddress(EndPoint EndPoint)
{
    public static TransportAddress Tcp(string host, int port) =>
        new(IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port));

    public static TransportAddress Unix(string path) => new(new UnixDomainSocketEndPoint(path));

    public override string ToString() => EndPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        UnixDomainSocketEndPoint uds => "unix:" + uds,
        _ => EndPoint.ToString() ?? "?",
    };
}
