using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Resolution;

/// <summary>
/// Strict IP literals. IPAddress.TryParse alone also takes "1.2.3" and "010.0.0.1" (octal); gRPC targets mean
/// only dotted quads in decimal and IPv6 text without brackets (a zone "%eth0" allowed).
/// </summary>
internal static class IpLiteral
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Contains(':'))
        {
            return HostPort.IsIpv6(text) && IPAddress.TryParse(text, out address);
        }

        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || !TargetSyntax.IsAllDigits(p)))
        {
            return false;
        }

        return IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetwork;
    }
}
