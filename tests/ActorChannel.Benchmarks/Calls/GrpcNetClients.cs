using Grpc.Core;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using GrpcCore = Grpc.Core;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>
/// The Grpc.Net.Client side of the <c>calls</c> mode: a bare <see cref="GrpcChannel.ForAddress(string)"/> to one
/// backend (the floor), and Grpc.Net.Client's own balancer over its <c>static:///</c> resolver.
/// Calls go through the channel's <see cref="GrpcCore.CallInvoker"/> as a generated stub's do.
/// </summary>
internal static class GrpcNetClients
{
    private static readonly StringValue Request = new() { Value = "world" };

    // As protoc's C# plugin writes them for IBufferMessage types: straight into the transport's buffer and back.
    private static readonly GrpcCore.Marshaller<StringValue> Marshaller = GrpcCore.Marshallers.Create(
        static (message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        static context => StringValue.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    public static readonly GrpcCore.Method<StringValue, StringValue> SayHello = new(
        GrpcCore.MethodType.Unary, "helloworld.Greeter", "SayHello", Marshaller, Marshaller);

    /// <summary>The floor: <c>GrpcChannel.ForAddress("http://127.0.0.1:P")</c>, no resolver, no balancer.</summary>
    public static CallsClient Floor(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        return Client("bare GrpcChannel.ForAddress", ClientRole.Floor, "pick_first", channel);
    }

    /// <summary>Grpc.Net.Client's balancer: <c>static:///</c> over these ports with the policy's config.</summary>
    public static async Task<CallsClient> BalancerAsync(string policy, IReadOnlyList<int> ports)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => ports.Select(p => new BalancerAddress("127.0.0.1", p)).ToArray()));
        LoadBalancingConfig config = policy switch
        {
            "pick_first" => new PickFirstConfig(),
            "round_robin" => new RoundRobinConfig(),
            _ => throw new ArgumentException($"unknown policy '{policy}'", nameof(policy)),
        };
        var channel = GrpcChannel.ForAddress("static:///greeter", new GrpcChannelOptions
        {
            Credentials = GrpcCore.ChannelCredentials.Insecure,
            ServiceProvider = services.BuildServiceProvider(),
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { config } },
        });
        await channel.ConnectAsync();
        return Client($"Grpc.Net.Client {policy}", ClientRole.GrpcNetBalancer, policy, channel);
    }

    /// <summary>One SayHello on <paramref name="invoker"/>, the same for every client of the mode (message, marshaller, options).</summary>
    public static Task<StringValue> CallAsync(GrpcCore.CallInvoker invoker) => invoker.AsyncUnaryCall(SayHello, null, default, Request).ResponseAsync;

    private static CallsClient Client(string name, ClientRole role, string policy, GrpcChannel channel)
    {
        var invoker = channel.CreateCallInvoker();
        return new CallsClient(name, role, policy, () => CallAsync(invoker), () =>
        {
            channel.Dispose();
            return ValueTask.CompletedTask;
        });
    }
}
