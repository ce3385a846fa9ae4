using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Transport;

/// <summary>The :authority of a transport's calls and the host name TLS checks, from the options or the address.</summary>
internal static class TransportAuthority
{
    public static string Of(TransportAddress address, TransportOptions options) => options.Authority ?? address.EndPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => "localhost",
    };

    /// <summary>The host part of an authority ("[::1]:50051" → "::1", "example.com" → "example.com").</summary>
    public static string HostOf(string authority)
    {
        if (authority.StartsWith('['))
        {
            var end = authority.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? authority[1..end] : authority;
        }

        var colon = authority.LastIndexOf(':');
        return colon > 0 && authority.IndexOf(':', StringComparison.Ordinal) == colon ? authority[..colon] : authority;
    }
}
