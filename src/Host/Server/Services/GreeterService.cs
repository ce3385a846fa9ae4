using ActorChannel.Host.Clients;
using ActorChannel.Host.Server.Grpc;
using ActorChannel.Protos.HelloWorld;

namespace ActorChannel.Host.Server.Services;

/// <summary>helloworld.Greeter: the reply names this server instance, so a client sees which backend answered.</summary>
internal static class GreeterService
{
    public static void Register(ServiceRegistry registry, string instanceName) =>
        registry.AddUnary(GreeterMethods.SayHello, (request, _) =>
            Task.FromResult(new HelloReply { Message = $"Hello {request.Name} from {instanceName}" }));
}
