using ActorChannel.Protos.HelloWorld;
using Grpc.Core;

namespace ActorChannel.Host.Server.Services;

/// <summary>helloworld.Greeter: the reply names this server instance, so a client sees which backend answered.</summary>
internal sealed class GreeterService(string instanceName) : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"Hello {request.Name} from {instanceName}" });
}
