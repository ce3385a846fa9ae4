using ActorChannel.Transport;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ActorChannel.Host.Cli;

/// <summary>
/// Wraps the real transport factory so every unary response is counted against the address of the
/// connection that carried it. Call objects carry no peer address, and replies of third-party Greeter
/// servers do not name the server, so this is how the CLI tells which backend answered. A call a connection moved
/// to another for the transparent retry (in the moment between a GOAWAY and the channel's new picker) is counted for
/// the connection it was started on: the move happens below the call object this counts on.
/// </summary>
public sealed class AttributingTransportFactory(IClientTransportFactory inner, BackendTally tally) : IClientTransportFactory
{
    public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
        new Transport(inner.Create(address, options, observer), tally);

    private sealed class Transport(IClientTransport inner, BackendTally tally) : IClientTransport
    {
        private readonly CountingInterceptor _counter = new(tally, inner.Address.ToString());
        private CallInvoker? _invoker;

        public TransportAddress Address => inner.Address;

        public CallInvoker Invoker => _invoker ??= inner.Invoker.Intercept(_counter);

        public CallInvoker InvokerFor(int? maxSendMessageSize, int? maxReceiveMessageSize) =>
            inner.InvokerFor(maxSendMessageSize, maxReceiveMessageSize).Intercept(_counter);

        public int ActiveCalls => inner.ActiveCalls;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public void GracefulClose() => inner.GracefulClose();

        public ValueTask CloseAsync() => inner.CloseAsync();

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task<HttpResponseMessage>? SendMovedAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            inner.SendMovedAsync(request, cancellationToken);
    }

    private sealed class CountingInterceptor(BackendTally tally, string address) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, context);
            return new AsyncUnaryCall<TResponse>(CountAsync(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private async Task<TResponse> CountAsync<TResponse>(Task<TResponse> response)
        {
            var value = await response.ConfigureAwait(false);
            tally.Count(address);
            return value;
        }
    }
}
