using System.Runtime.CompilerServices;

namespace ActorChannel.Transport;

/// <summary>What every call object exposes through its <see cref="ICallState"/>: headers, status, trailers, cancel.</summary>
public abstract class AsyncCallBase : IDisposable
{
    private readonly ICallState _state;

    private protected AsyncCallBase(ICallState state) => _state = state;

    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    public Status GetStatus() => _state.GetStatus();

    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _state.Cancel();
}

/// <summary>A unary call: await it for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : AsyncCallBase
{
    public AsyncUnaryCall(Task<TResponse> responseAsync, ICallState state)
        : base(state)
    {
        ResponseAsync = responseAsync;
    }

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}

/// <summary>A server-streaming call: one request, a stream of responses.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : AsyncCallBase
{
    public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, ICallState state)
        : base(state)
    {
        ResponseStream = responseStream;
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}

/// <summary>A client-streaming call: a stream of requests, one response.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : AsyncCallBase
{
    public AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, ICallState state)
        : base(state)
    {
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}

/// <summary>A bidirectional call: requests and responses flow independently.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : AsyncCallBase
{
    public AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, ICallState state)
        : base(state)
    {
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }
}
