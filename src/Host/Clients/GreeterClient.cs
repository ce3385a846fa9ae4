using ActorChannel.Protos.HelloWorld;
using ActorChannel.Transport;

namespace ActorChannel.Host.Clients;

/// <summary>Method descriptors of <c>helloworld.Greeter</c>; the server in Server/ routes by the same ones.</summary>
public static class GreeterMethods
{
    public const string ServiceName = "helloworld.Greeter";

    public static readonly Method<HelloRequest, HelloReply> SayHello = new(
        MethodType.Unary, ServiceName, "SayHello",
        Marshallers.ForProtobuf(HelloRequest.Parser), Marshallers.ForProtobuf(HelloReply.Parser));
}

/// <summary>Typed client of <c>helloworld.Greeter</c> over any <see cref="CallInvoker"/> (a channel or one connection).</summary>
public sealed class GreeterClient(CallInvoker invoker)
{
    public CallInvoker Invoker { get; } = invoker ?? throw new ArgumentNullException(nameof(invoker));

    public AsyncUnaryCall<HelloReply> SayHelloAsync(HelloRequest request, CallOptions options = default) =>
        Invoker.AsyncUnaryCall(GreeterMethods.SayHello, request, options);

    /// <summary>Convenience overload: the name only, the reply's message back.</summary>
    public async Task<string> SayHelloAsync(string name, CallOptions options = default)
    {
        using var call = SayHelloAsync(new HelloRequest { Name = name }, options);
        return (await call.ResponseAsync.ConfigureAwait(false)).Message;
    }
}
