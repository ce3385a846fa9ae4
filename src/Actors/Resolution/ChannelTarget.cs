namespace ActorChannel.Resolution;

/// <summary>
/// A parsed dial target, RFC 3986 style: <c>scheme://authority/endpoint</c> (naming.md). Also the
/// short forms <c>unix:path</c>, <c>ipv4:a:p,b:p</c>. Built by <c>ChannelTarget.Parse</c>.
/// </summary>
public sealed partial record ChannelTarget(string Scheme, string Authority, string Endpoint, string Original)
{
    public override string ToString() => Original;
}
