namespace ActorChannel.Resolution;

/// <summary>The <see cref="ActorChannel.Transport.TransportAddress.Attributes"/> keys the dns resolver sets on SRV-derived addresses.</summary>
public static class DnsAddressAttributes
{
    /// <summary>The SRV record's priority (lower is preferred; addresses come in this order).</summary>
    public const string SrvPriority = "dns.srv.priority";

    /// <summary>The SRV record's weight, for a balancer that spreads load by it.</summary>
    public const string SrvWeight = "dns.srv.weight";

    /// <summary>The SRV record's target host name.</summary>
    public const string SrvTarget = "dns.srv.target";
}
