using System.Net.Sockets;
using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// unix:path, unix:///abs/path, unix://localhost/abs/path, unix-abstract:name (naming.md). The abstract
/// namespace is Linux's: the socket name is a NUL followed by the name, which itself may hold no NUL.
/// </summary>
internal static class UnixSocketAddress
{
    public static TransportAddress From(ChannelTarget target, bool isAbstract)
    {
        var scheme = isAbstract ? "unix-abstract" : "unix";
        if (target.Authority.Length > 0 && !target.Authority.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw TargetSyntax.Invalid(
                target.Original,
                $"the authority '{target.Authority}' of a {scheme} target must be empty or 'localhost' (write {scheme}:///absolute/path or {scheme}:relative/path)");
        }

        // The authority form always names an absolute path: the '/' ending the authority starts it.
        var path = target.Path;
        if (target.Endpoint.Length == 0)
        {
            throw TargetSyntax.Invalid(target.Original, isAbstract ? "unix-abstract needs a socket name" : "unix needs a socket path");
        }

        var nul = path.IndexOf('\0');
        if (nul >= 0)
        {
            throw TargetSyntax.Invalid(target.Original, $"the {(isAbstract ? "name" : "path")} '{TargetSyntax.Printable(path)}' contains a NUL character at index {nul}");
        }

        try
        {
            return new TransportAddress(new UnixDomainSocketEndPoint(isAbstract ? "\0" + path : path));
        }
        catch (ArgumentException e)
        {
            throw TargetSyntax.Invalid(target.Original, $"the {(isAbstract ? "name" : "path")} '{path}' is not a usable Unix socket address ({e.Message})");
        }
        catch (PlatformNotSupportedException e)
        {
            throw TargetSyntax.Invalid(target.Original, $"{scheme} sockets are not supported on this platform ({e.Message})");
        }
    }
}

/// <summary>unix:path and unix:///absolute/path; default authority "localhost" (grpc-go).</summary>
public sealed class UnixResolverFactory : IResolverFactory
{
    public string Scheme => "unix";

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StaticResolver(new ResolutionResult([UnixSocketAddress.From(target, isAbstract: false)]));
    }

    public string GetDefaultAuthority(ChannelTarget target) => "localhost";
}

/// <summary>unix-abstract:name, a socket in Linux's abstract namespace; default authority "localhost".</summary>
public sealed class UnixAbstractResolverFactory : IResolverFactory
{
    public string Scheme => "unix-abstract";

    public IResolver Create(ChannelTarget target, ResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StaticResolver(new ResolutionResult([UnixSocketAddress.From(target, isAbstract: true)]));
    }

    public string GetDefaultAuthority(ChannelTarget target) => "localhost";
}
