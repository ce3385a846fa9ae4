using Grpc.Core;

namespace ActorChannel.Client.Calls;

/// <summary>
/// One attempt of a channel call: the Grpc.Net.Client call object on the picked connection, seen through what
/// every call kind shares. Grpc.Core's call objects have no common base, so each kind has its small adapter.
/// </summary>
internal abstract class CallAttempt
{
    public abstract Task<Metadata> ResponseHeadersAsync { get; }

    public abstract Status GetStatus();

    public abstract Metadata GetTrailers();

    public abstract void Dispose();

    public static CallAttempt Of<T>(AsyncUnaryCall<T> call) => new Unary<T>(call);

    public static CallAttempt Of<T>(AsyncServerStreamingCall<T> call) => new ServerStreaming<T>(call);

    public static CallAttempt Of<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call) => new ClientStreaming<TRequest, TResponse>(call);

    public static CallAttempt Of<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call) => new Duplex<TRequest, TResponse>(call);

    private sealed class Unary<T>(AsyncUnaryCall<T> call) : CallAttempt
    {
        public override Task<Metadata> ResponseHeadersAsync => call.ResponseHeadersAsync;

        public override Status GetStatus() => call.GetStatus();

        public override Metadata GetTrailers() => call.GetTrailers();

        public override void Dispose() => call.Dispose();
    }

    private sealed class ServerStreaming<T>(AsyncServerStreamingCall<T> call) : CallAttempt
    {
        public override Task<Metadata> ResponseHeadersAsync => call.ResponseHeadersAsync;

        public override Status GetStatus() => call.GetStatus();

        public override Metadata GetTrailers() => call.GetTrailers();

        public override void Dispose() => call.Dispose();
    }

    private sealed class ClientStreaming<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call) : CallAttempt
    {
        public override Task<Metadata> ResponseHeadersAsync => call.ResponseHeadersAsync;

        public override Status GetStatus() => call.GetStatus();

        public override Metadata GetTrailers() => call.GetTrailers();

        public override void Dispose() => call.Dispose();
    }

    private sealed class Duplex<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call) : CallAttempt
    {
        public override Task<Metadata> ResponseHeadersAsync => call.ResponseHeadersAsync;

        public override Status GetStatus() => call.GetStatus();

        public override Metadata GetTrailers() => call.GetTrailers();

        public override void Dispose() => call.Dispose();
    }
}
