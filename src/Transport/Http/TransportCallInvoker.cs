namespace ActorChannel.Transport;

/// <summary>Starts calls on one <see cref="HttpClientTransport"/>'s connection.</summary>
internal sealed class TransportCallInvoker(HttpClientTransport transport) : CallInvoker
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        var call = new GrpcCall<TRequest, TResponse>(transport, method, options);
        return new AsyncUnaryCall<TResponse>(call.UnaryAsync(request), call);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        var call = new StreamingGrpcCall<TRequest, TResponse>(transport, method, options);
        call.StartServerStreaming(request);
        return new AsyncServerStreamingCall<TResponse>(call, call);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new StreamingGrpcCall<TRequest, TResponse>(transport, method, options);
        var response = call.StartClientStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, response, call);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new StreamingGrpcCall<TRequest, TResponse>(transport, method, options);
        call.StartDuplex();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, call, call);
    }
}
