using System.Collections.Concurrent;
using ActorChannel.Transport;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Real HTTP/2 transports whose GOAWAY and close can be kept from their subchannel: once <see cref="Hold"/> is called
/// for an address, its connection knows it is gone (it refuses new calls as never sent) while the subchannel still
/// thinks it READY and the channel goes on picking it. That is the window between a GOAWAY on the wire and the
/// channel's reaction, held open so a test can put calls into it. Counts the calls each connection was asked to start.
/// </summary>
internal sealed class HeldBackTransports : IClientTransportFactory
{
    private readonly ConcurrentDictionary<TransportAddress, HeldTransport> _latest = new();

    public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer)
    {
        var transport = new HeldTransport(address, observer);
        transport.Inner = HttpClientTransportFactory.Instance.Create(address, options, transport.Observe);
        _latest[address] = transport;
        return transport;
    }

    /// <summary>The newest connection to <paramref name="address"/>.</summary>
    public HeldTransport To(TransportAddress address) => _latest[address];

    /// <summary>From now on the GOAWAY and close of the newest connection to <paramref name="address"/> wait for <see cref="HeldTransport.Release"/>.</summary>
    public HeldTransport Hold(TransportAddress address)
    {
        var transport = To(address);
        transport.StartHolding();
        return transport;
    }

    internal sealed class HeldTransport(TransportAddress address, Action<ConnectionEvent> observer) : Interceptor, IClientTransport
    {
        private readonly object _gate = new();
        private readonly List<ConnectionEvent> _held = new();
        private readonly TaskCompletionSource _goAwayHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _closeHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CallInvoker? _invoker;
        private bool _holding;
        private int _callsStarted;

        public IClientTransport Inner { get; set; } = null!;

        public TransportAddress Address => address;

        /// <summary>Unary and server-streaming calls the channel started on this connection.</summary>
        public int CallsStarted => Volatile.Read(ref _callsStarted);

        /// <summary>Completes when the connection has seen the server's GOAWAY (which the subchannel has not).</summary>
        public Task GoAwayHeld => _goAwayHeld.Task;

        /// <summary>Completes when the connection has closed (which the subchannel has not heard).</summary>
        public Task CloseHeld => _closeHeld.Task;

        public CallInvoker Invoker => _invoker ??= Inner.Invoker.Intercept(this);

        public int ActiveCalls => Inner.ActiveCalls;

        public CallInvoker InvokerFor(int? maxSendMessageSize, int? maxReceiveMessageSize) => Inner.InvokerFor(maxSendMessageSize, maxReceiveMessageSize).Intercept(this);

        public Task ConnectAsync(CancellationToken cancellationToken) => Inner.ConnectAsync(cancellationToken);

        public void GracefulClose() => Inner.GracefulClose();

        public ValueTask CloseAsync() => Inner.CloseAsync();

        public ValueTask DisposeAsync() => Inner.DisposeAsync();

        public Task<HttpResponseMessage>? SendMovedAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Inner.SendMovedAsync(request, cancellationToken);

        /// <summary>Tells the subchannel what was held, in order, and stops holding.</summary>
        public void Release()
        {
            ConnectionEvent[] held;
            lock (_gate)
            {
                _holding = false;
                held = _held.ToArray();
                _held.Clear();
            }

            foreach (var e in held)
            {
                observer(e);
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Interlocked.Increment(ref _callsStarted);
            return continuation(request, context);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            Interlocked.Increment(ref _callsStarted);
            return continuation(request, context);
        }

        internal void StartHolding()
        {
            lock (_gate)
            {
                _holding = true;
            }
        }

        internal void Observe(ConnectionEvent e)
        {
            lock (_gate)
            {
                if (_holding && e is ConnectionEvent.GoAwayReceived or ConnectionEvent.Closed)
                {
                    _held.Add(e);
                    (e is ConnectionEvent.Closed ? _closeHeld : _goAwayHeld).TrySetResult();
                    return;
                }
            }

            observer(e);
        }
    }
}
