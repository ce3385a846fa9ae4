using ActorChannel.Transport;

namespace ActorChannel.Client.Calls;

/// <summary>The transport call behind a channel call, seen through the parts every call kind shares.</summary>
internal interface IInnerCall
{
    Task<Metadata> Headers { get; }

    Status GetStatus();

    Metadata GetTrailers();

    void Cancel();
}

// One small adapter per call kind: a single object per call instead of a delegate per member.
internal sealed class InnerUnary<T>(AsyncUnaryCall<T> call) : IInnerCall
{
    public Task<Metadata> Headers => call.ResponseHeadersAsync;

    public Status GetStatus() => call.GetStatus();

    public Metadata GetTrailers() => call.GetTrailers();

    public void Cancel() => call.Dispose();
}

internal sealed class InnerServerStreaming<T>(AsyncServerStreamingCall<T> call) : IInnerCall
{
    public Task<Metadata> Headers => call.ResponseHeadersAsync;

    public Status GetStatus() => call.GetStatus();

    public Metadata GetTrailers() => call.GetTrailers();

    public void Cancel() => call.Dispose();
}

internal sealed class InnerClientStreaming<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call) : IInnerCall
{
    public Task<Metadata> Headers => call.ResponseHeadersAsync;

    public Status GetStatus() => call.GetStatus();

    public Metadata GetTrailers() => call.GetTrailers();

    public void Cancel() => call.Dispose();
}

internal sealed class InnerDuplex<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call) : IInnerCall
{
    public Task<Metadata> Headers => call.ResponseHeadersAsync;

    public Status GetStatus() => call.GetStatus();

    public Metadata GetTrailers() => call.GetTrailers();

    public void Cancel() => call.Dispose();
}
