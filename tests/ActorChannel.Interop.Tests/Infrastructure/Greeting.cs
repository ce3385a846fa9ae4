using ActorChannel.Protos.HelloWorld;
using Grpc.Core;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>The one-line greeting the tests make through the generated client: a name in, the reply's message out.</summary>
public static class Greeting
{
    public static async Task<string> GreetAsync(this Greeter.GreeterClient client, string name, CallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var call = client.SayHelloAsync(new HelloRequest { Name = name }, options);
        return (await call.ResponseAsync.ConfigureAwait(false)).Message;
    }
}
