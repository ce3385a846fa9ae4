using ActorChannel.Transport;

namespace ActorChannel.Resolution.Cluster;

/// <summary>
/// How a cluster member advertises the gRPC endpoint it serves: a role "grpc-endpoint=HOST:PORT" next to its service
/// role. Roles arrive with MemberUp itself, so a member is never seen Up without its endpoint; a value that changes at
/// run time would need a registry such as DistributedData instead (docs/discovery.md says why this was chosen).
/// </summary>
public static class GrpcEndpointRole
{
    public const string Prefix = "grpc-endpoint=";

    /// <summary>The role to put in <c>akka.cluster.roles</c> for an endpoint.</summary>
    public static string For(string host, int port) => Prefix + HostPort.Format(host, port);

    /// <summary>The endpoint among <paramref name="roles"/>, or null when there is none or it does not parse.</summary>
    public static TransportAddress? Find(IEnumerable<string> roles, out string? error)
    {
        error = null;
        foreach (var role in roles)
        {
            if (!role.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var value = role[Prefix.Length..];
            try
            {
                var hostPort = HostPort.Split(value, value, $"the role '{role}'");
                if (hostPort.Port is not { } port)
                {
                    error = $"the role '{role}' has no port";
                    return null;
                }

                return TransportAddress.Tcp(hostPort.Host, port);
            }
            catch (ArgumentException e)
            {
                error = e.Message;
                return null;
            }
        }

        error = $"no '{Prefix}HOST:PORT' role";
        return null;
    }
}
