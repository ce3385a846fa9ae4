using ActorChannel.Protos.Testing;
using ActorChannel.Transport;

namespace ActorChannel.Host.Clients;

/// <summary>Method descriptors of <c>actorchannel.testing.TestService</c> (test_service.proto).</summary>
public static class TestServiceMethods
{
    public const string ServiceName = "actorchannel.testing.TestService";

    public static readonly Method<EchoRequest, EchoReply> Echo = new(
        MethodType.Unary, ServiceName, "Echo",
        Marshallers.ForProtobuf(EchoRequest.Parser), Marshallers.ForProtobuf(EchoReply.Parser));

    public static readonly Method<StreamRequest, StreamItem> ServerStream = new(
        MethodType.ServerStreaming, ServiceName, "ServerStream",
        Marshallers.ForProtobuf(StreamRequest.Parser), Marshallers.ForProtobuf(StreamItem.Parser));

    public static readonly Method<SumRequest, SumReply> ClientStreamSum = new(
        MethodType.ClientStreaming, ServiceName, "ClientStreamSum",
        Marshallers.ForProtobuf(SumRequest.Parser), Marshallers.ForProtobuf(SumReply.Parser));

    public static readonly Method<EchoRequest, EchoReply> BidiEcho = new(
        MethodType.DuplexStreaming, ServiceName, "BidiEcho",
        Marshallers.ForProtobuf(EchoRequest.Parser), Marshallers.ForProtobuf(EchoReply.Parser));
}

/// <summary>Typed client of the interop test service: one method per call kind.</summary>
public sealed class TestServiceClient(CallInvoker invoker)
{
    public CallInvoker Invoker { get; } = invoker ?? throw new ArgumentNullException(nameof(invoker));

    public AsyncUnaryCall<EchoReply> EchoAsync(EchoRequest request, CallOptions options = default) =>
        Invoker.AsyncUnaryCall(TestServiceMethods.Echo, request, options);

    public AsyncServerStreamingCall<StreamItem> ServerStream(StreamRequest request, CallOptions options = default) =>
        Invoker.AsyncServerStreamingCall(TestServiceMethods.ServerStream, request, options);

    public AsyncClientStreamingCall<SumRequest, SumReply> ClientStreamSum(CallOptions options = default) =>
        Invoker.AsyncClientStreamingCall(TestServiceMethods.ClientStreamSum, options);

    public AsyncDuplexStreamingCall<EchoRequest, EchoReply> BidiEcho(CallOptions options = default) =>
        Invoker.AsyncDuplexStreamingCall(TestServiceMethods.BidiEcho, options);
}
