using ActorChannel.Transport;
using Grpc.Core;

namespace ActorChannel.TestKit;

/// <summary>
/// One call a <see cref="FakeTransport"/> received. <see cref="MaxSendMessageSize"/> and <see cref="MaxReceiveMessageSize"/>
/// are the limits the channel asked for through <see cref="IClientTransport.InvokerFor"/> (a method config's); null
/// when the call went through <see cref="IClientTransport.Invoker"/>.
/// </summary>
public sealed record FakeCall(FakeTransport Transport, string Method, MethodType Type, object? Request, CallOptions Options, int? MaxSendMessageSize = null, int? MaxReceiveMessageSize = null);

/// <summary>
/// A Grpc.Core invoker that answers calls with the transport's handler; a closed (or closing) transport fails them
/// UNAVAILABLE and not sent (<see cref="CallFailures.NotSent"/>), as the real transport does, and moves a one-message
/// call it did not process to the options' router.
/// </summary>
internal sealed class FakeCallInvoker(FakeTransport transport, int? maxSend = null, int? maxReceive = null) : CallInvoker
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var state = new FakeCallState();
        var response = RunAsync<TResponse>(Describe(method, request, options), state);
        return new AsyncUnaryCall<TResponse>(response, FakeCallState.HeadersOf, FakeCallState.StatusOf, FakeCallState.TrailersOf, FakeCallState.CancelOf, state);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var state = new FakeCallState();
        var response = RunAsync<TResponse>(Describe(method, request, options), state);
        return new AsyncServerStreamingCall<TResponse>(new SingleReader<TResponse>(response), FakeCallState.HeadersOf, FakeCallState.StatusOf, FakeCallState.TrailersOf, FakeCallState.CancelOf, state);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var state = new FakeCallState();
        var writer = new RecordingWriter<TRequest>();
        var response = RunAsync<TResponse>(Describe(method, writer.Messages, options), state, writer.Completed);
        return new AsyncClientStreamingCall<TRequest, TResponse>(writer, response, FakeCallState.HeadersOf, FakeCallState.StatusOf, FakeCallState.TrailersOf, FakeCallState.CancelOf, state);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var state = new FakeCallState();
        var writer = new RecordingWriter<TRequest>();
        var response = RunAsync<TResponse>(Describe(method, writer.Messages, options), state, writer.Completed);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(writer, new SingleReader<TResponse>(response), FakeCallState.HeadersOf, FakeCallState.StatusOf, FakeCallState.TrailersOf, FakeCallState.CancelOf, state);
    }

    private FakeCall Describe<TRequest, TResponse>(Method<TRequest, TResponse> method, object? request, CallOptions options) =>
        new(transport, method.FullName, method.Type, request, options, maxSend, maxReceive);

    private async Task<TResponse> RunAsync<TResponse>(FakeCall call, FakeCallState state, Task? requestsDone = null)
    {
        try
        {
            var result = await MovedOnceAsync<TResponse>(call, requestsDone).ConfigureAwait(false);
            state.Finish(Status.DefaultSuccess);
            return result;
        }
        catch (RpcException e)
        {
            state.Finish(e.Status);
            throw;
        }
    }

    /// <summary>
    /// A one-message call this transport did not process goes to the options' router once, as the real transport's
    /// gate moves it (<see cref="TransportOptions.Reroute"/>).
    /// </summary>
    private async Task<TResponse> MovedOnceAsync<TResponse>(FakeCall call, Task? requestsDone)
    {
        try
        {
            return await RunHereAsync<TResponse>(call, requestsDone).ConfigureAwait(false);
        }
        catch (RpcException e) when (requestsDone is null && transport.Options.Reroute is { } route && CallFailures.NotProcessed(e))
        {
            var next = await RouteAsync(route, call).ConfigureAwait(false);
            if (next is not FakeTransport other)
            {
                throw;
            }

            var there = (FakeCallInvoker)(maxSend is null && maxReceive is null ? other.Invoker : other.InvokerFor(maxSend, maxReceive));
            return await there.RunHereAsync<TResponse>(call with { Transport = other }, requestsDone: null).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The router's pick, bounded by the call's deadline on the channel's clock (Grpc.Net.Client's timer does that
    /// for the real transport) and by its token.
    /// </summary>
    private async Task<IClientTransport?> RouteAsync(CallRerouter route, FakeCall call)
    {
        var clock = transport.Options.TimeProvider;
        using var expiry = call.Options.Deadline is { } d && d != DateTime.MaxValue
            ? new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(0, (d - clock.GetUtcNow().UtcDateTime).Ticks)), clock)
            : null;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(call.Options.CancellationToken, expiry?.Token ?? CancellationToken.None);
        try
        {
            return await route(transport, new ReroutedCall(call.Method, call.Options.IsWaitForReady), either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (expiry?.IsCancellationRequested == true)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "deadline exceeded while the call waited to be moved"));
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "call cancelled while it waited to be moved"));
        }
    }

    private async Task<TResponse> RunHereAsync<TResponse>(FakeCall call, Task? requestsDone)
    {
        if (transport.IsClosed || transport.GracefullyClosed)
        {
            throw CallFailures.NotSent("transport closed");
        }

        transport.CallStarted(call);
        try
        {
            if (requestsDone is not null)
            {
                await requestsDone.ConfigureAwait(false);
            }

            var handled = transport.Handler is null ? Task.FromResult<object?>(null) : transport.Handler(call);
            if (await Task.WhenAny(handled, transport.WhenClosed).ConfigureAwait(false) != handled)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "transport closed while the call was in flight"));
            }

            return (TResponse)(await handled.ConfigureAwait(false))!;
        }
        finally
        {
            transport.CallEnded();
        }
    }

    private sealed class FakeCallState
    {
        public static readonly Func<object, Task<Metadata>> HeadersOf = static _ => Task.FromResult(new Metadata());
        public static readonly Func<object, Status> StatusOf = static s => ((FakeCallState)s).GetStatus();
        public static readonly Func<object, Metadata> TrailersOf = static s => ((FakeCallState)s).GetTrailers();
        public static readonly Action<object> CancelOf = static s => ((FakeCallState)s).Cancel();

        private readonly object _gate = new();
        private Status? _status;

        public Status GetStatus()
        {
            lock (_gate)
            {
                return _status ?? throw new InvalidOperationException("call still running");
            }
        }

        public Metadata GetTrailers()
        {
            lock (_gate)
            {
                return _status is null ? throw new InvalidOperationException("call still running") : Metadata.Empty;
            }
        }

        public void Cancel() => Finish(new Status(StatusCode.Cancelled, "cancelled"));

        public void Finish(Status status)
        {
            lock (_gate)
            {
                _status ??= status;
            }
        }
    }

    private sealed class SingleReader<T>(Task<T> response) : IAsyncStreamReader<T>
    {
        private bool _read;

        public T Current { get; private set; } = default!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var value = await response.ConfigureAwait(false);
            if (_read)
            {
                return false;
            }

            _read = true;
            Current = value;
            return true;
        }
    }

    private sealed class RecordingWriter<T> : IClientStreamWriter<T>
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<object?> Messages { get; } = new();

        public Task Completed => _completed.Task;

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message)
        {
            lock (Messages)
            {
                Messages.Add(message);
            }

            return Task.CompletedTask;
        }

        public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task CompleteAsync()
        {
            _completed.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
