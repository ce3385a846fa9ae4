using ActorChannel.Transport;

namespace ActorChannel.Host.Cli;

/// <summary>
/// Wraps the real transport factory so every unary response is counted against the address of the
/// connection that carried it. Call objects carry no peer address, and replies of third-party Greeter
/// servers do not name the server, so this is how the CLI tells which backend answered.
/// </summary>
public sealed class AttributingTransportFactory(IClientTransportFactory inner, BackendTally tally) : IClientTransportFactory
{
    public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
        new Transport(inner.Create(address, options, observer), tally);

    private sealed class Transport(IClientTransport inner, BackendTally tally) : IClientTransport
    {
        private readonly CountingInvoker _invoker = new(inner.Invoker, tally, inner.Address.ToString());

        public TransportAddress Address => inner.Address;

        public CallInvoker Invoker => _invoker;

        public int ActiveCalls => inner.ActiveCalls;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public void GracefulClose() => inner.GracefulClose();

        public ValueTask CloseAsync() => inner.CloseAsync();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class CountingInvoker(CallInvoker inner, BackendTally tally, string address) : CallInvoker
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        {
            var call = inner.AsyncUnaryCall(method, request, options);
            return new AsyncUnaryCall<TResponse>(CountAsync(call.ResponseAsync), new CallState<TResponse>(call));
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options) =>
            inner.AsyncServerStreamingCall(method, request, options);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options) =>
            inner.AsyncClientStreamingCall(method, options);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options) =>
            inner.AsyncDuplexStreamingCall(method, options);

        private async Task<TResponse> CountAsync<TResponse>(Task<TResponse> response)
        {
            var value = await response.ConfigureAwait(false);
            tally.Count(address);
            return value;
        }

        private sealed class CallState<TResponse>(AsyncUnaryCall<TResponse> call) : ICallState
        {
            public Task<Metadata> ResponseHeadersAsync => call.ResponseHeadersAsync;

            public Status GetStatus() => call.GetStatus();

            public Metadata GetTrailers() => call.GetTrailers();

            public void Cancel() => call.Dispose();
        }
    }
}
