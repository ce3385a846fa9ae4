using System.Net;

namespace ActorChannel.Resolution;

/// <summary>
/// What a dns target asks for: a host and port, or an SRV name (<c>_service._proto.domain</c>, whose records give
/// the ports), and the DNS server named in the authority, if any.
/// </summary>
internal sealed record DnsName(string Host, int Port, bool IsSrv, IPEndPoint? Server)
{
    public bool HasServer => Server is not null;

    /// <summary>The domain whose <c>_grpc_config</c> TXT record holds the service config: an SRV name's domain part.</summary>
    public string ConfigHost => IsSrv ? string.Join('.', Host.Split('.').Skip(2)) : Host;

    /// <summary>_service._proto.domain, as RFC 2782 writes SRV owner names.</summary>
    public static bool LooksLikeSrv(string host)
    {
        var labels = host.TrimEnd('.').Split('.');
        return labels.Length >= 3 && labels[0].Length > 1 && labels[0][0] == '_' && labels[1].Length > 1 && labels[1][0] == '_';
    }
}
