using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>
/// The calls on one connection with one pair of message limits, each kind through the GrpcChannel that suits it.
/// </summary>
/// <remarks>
/// Given the gate as <c>HttpHandler</c>, Grpc.Net.Client puts its BalancerHttpHandler in front of it and runs a pick
/// over a passive subchannel on every call (146 B and an async frame, docs/benchmarks.md); given an HttpClient over the
/// gate it does not, but the HttpClient links a token of its own to each request and lets it go once the response
/// headers are in, so from then on the gate no longer sees the call's token. A call with at most one request message
/// (unary, server streaming) has sent its body by then and needs nothing more of the gate, so it takes the HttpClient
/// way. A call with a streaming body takes the handler way: the gate ends that body's blocked write by the call's token
/// when the call ends. Each GrpcChannel is made on the first call that needs it.
/// </remarks>
internal sealed class CallKindInvoker(HttpClientTransport transport, int? send, int? receive) : CallInvoker
{
    private CallInvoker? _oneMessage;
    private CallInvoker? _streamingBody;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        OneMessage.BlockingUnaryCall(method, host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        OneMessage.AsyncUnaryCall(method, host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        OneMessage.AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        StreamingBody.AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        StreamingBody.AsyncDuplexStreamingCall(method, host, options);

    private CallInvoker OneMessage => Volatile.Read(ref _oneMessage) ?? Make(ref _oneMessage, streamingBody: false);

    private CallInvoker StreamingBody => Volatile.Read(ref _streamingBody) ?? Make(ref _streamingBody, streamingBody: true);

    // Two first calls at once may both make one; the first stored wins and the other is never used.
    private CallInvoker Make(ref CallInvoker? slot, bool streamingBody)
    {
        var made = transport.CreateInvoker(send, receive, streamingBody);
        return Interlocked.CompareExchange(ref slot, made, null) ?? made;
    }
}
