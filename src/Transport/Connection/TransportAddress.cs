using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Transport;

/// <summary>
/// One resolved address a connection dials: a TCP endpoint or a Unix domain socket, with optional attributes a
/// resolver attaches (an SRV record's weight, an etcd endpoint's metadata).
/// </summary>
/// <remarks>
/// Equality and the hash code look at the endpoint only: balancers key their subchannels by address, and a
/// resolver that reports a new weight for the same endpoint must not make them drop and redial its connection.
/// </remarks>
public sealed record TransportAddress(EndPoint EndPoint)
{
    /// <summary>What the resolver said about this address beyond where it is; empty unless one set it.</summary>
    public ImmutableDictionary<string, string> Attributes { get; init; } = ImmutableDictionary<string, string>.Empty;

    public static TransportAddress Tcp(string host, int port) =>
        new(IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port));

    public static TransportAddress Unix(string path) => new(new UnixDomainSocketEndPoint(path));

    /// <summary>This address with one attribute added or replaced.</summary>
    public TransportAddress WithAttribute(string key, string value) => this with { Attributes = Attributes.SetItem(key, value) };

    public bool Equals(TransportAddress? other) => other is not null && EndPoint.Equals(other.EndPoint);

    public override int GetHashCode() => EndPoint.GetHashCode();

    public override string ToString() => EndPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        UnixDomainSocketEndPoint uds => "unix:" + uds,
        _ => EndPoint.ToString() ?? "?",
    };
}
