using ActorChannel.Transport;
using Grpc.Health.V1;

namespace ActorChannel.Host.Clients;

/// <summary>Method descriptors of <c>grpc.health.v1.Health</c>.</summary>
public static class HealthMethods
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Check = new(
        MethodType.Unary, ServiceName, "Check",
        Marshallers.ForProtobuf(HealthCheckRequest.Parser), Marshallers.ForProtobuf(HealthCheckResponse.Parser));

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch = new(
        MethodType.ServerStreaming, ServiceName, "Watch",
        Marshallers.ForProtobuf(HealthCheckRequest.Parser), Marshallers.ForProtobuf(HealthCheckResponse.Parser));
}

/// <summary>Typed client of the standard health service; "" names the server as a whole.</summary>
public sealed class HealthClient(CallInvoker invoker)
{
    public CallInvoker Invoker { get; } = invoker ?? throw new ArgumentNullException(nameof(invoker));

    public AsyncUnaryCall<HealthCheckResponse> CheckAsync(string service = "", CallOptions options = default) =>
        Invoker.AsyncUnaryCall(HealthMethods.Check, new HealthCheckRequest { Service = service }, options);

    public AsyncServerStreamingCall<HealthCheckResponse> Watch(string service = "", CallOptions options = default) =>
        Invoker.AsyncServerStreamingCall(HealthMethods.Watch, new HealthCheckRequest { Service = service }, options);
}
