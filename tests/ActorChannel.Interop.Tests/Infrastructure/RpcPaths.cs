using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>
/// The :path of each method a test names itself (a raw HTTP/2 request, a server's "CANCELLED &lt;path&gt;" line),
/// read from the generated service descriptors.
/// </summary>
public static class RpcPaths
{
    public static readonly string SayHello = Of(Greeter.Descriptor, "SayHello");

    public static readonly string Echo = Of(TestService.Descriptor, "Echo");

    public static readonly string ServerStream = Of(TestService.Descriptor, "ServerStream");

    public static readonly string HealthCheck = Of(Health.Descriptor, "Check");

    public static readonly string HealthWatch = Of(Health.Descriptor, "Watch");

    private static string Of(ServiceDescriptor service, string method) =>
        service.FindMethodByName(method) is { } found
            ? $"/{service.FullName}/{found.Name}"
            : throw new ArgumentException($"{service.FullName} has no method {method}.", nameof(method));
}
