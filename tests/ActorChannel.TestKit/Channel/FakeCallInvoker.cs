using ActorChannel.Transport;

namespace ActorChannel.TestKit;

/// <summary>One call a <see cref="FakeTransport"/> received.</summary>
public sealed record FakeCall(FakeTransport Transport, string Method, MethodType Type, object? Request, CallOptions Options);

/// <summary>Answers calls with the transport's handler; a closed transport fails them UNAVAILABLE, not processed.</summary>
internal sealed class FakeCallInvoker(FakeTransport transport) : CallInvoker
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        var state = new FakeCallState();
        return new AsyncUnaryCall<TResponse>(RunAsync<TResponse>(new FakeCall(transport, method.FullName, method.Type, request, options), state), state);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        var state = new FakeCallState();
        var response = RunAsync<TResponse>(new FakeCall(transport, method.FullName, method.Type, request, options), state);
        return new AsyncServerStreamingCall<TResponse>(new SingleReader<TResponse>(response), state);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var state = new FakeCallState();
        var writer = new RecordingWriter<TRequest>();
        var response = RunAsync<TResponse>(new FakeCall(transport, method.FullName, method.Type, writer.Messages, options), state, writer.Completed);
        return new AsyncClientStreamingCall<TRequest, TResponse>(writer, response, state);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var state = new FakeCallState();
        var writer = new RecordingWriter<TRequest>();
        var response = RunAsync<TResponse>(new FakeCall(transport, method.FullName, method.Type, writer.Messages, options), state, writer.Completed);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(writer, new SingleReader<TResponse>(response), state);
    }

    private async Task<TResponse> RunAsync<TResponse>(FakeCall call, FakeCallState state, Task? requestsDone = null)
    {
        if (transport.IsClosed || transport.GracefullyClosed)
        {
            var status = new Status(StatusCode.Unavailable, "transport closed");
            state.Finish(status);
            throw new RpcException(status, notProcessed: true);
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

            var result = await handled.ConfigureAwait(false);
            state.Finish(Status.Ok);
            return (TResponse)result!;
        }
        catch (RpcException e)
        {
            state.Finish(e.Status);
            throw;
        }
        finally
        {
            transport.CallEnded();
        }
    }

    private sealed class FakeCallState : ICallState
    {
        private Status? _status;

        public Task<Metadata> ResponseHeadersAsync { get; } = Task.FromResult(new Metadata());

        public Status GetStatus() => _status ?? throw new InvalidOperationException("call still running");

        public Metadata GetTrailers() => _status is null ? throw new InvalidOperationException("call still running") : Metadata.Empty;

        public void Cancel() => _status ??= new Status(StatusCode.Cancelled, "cancelled");

        public void Finish(Status status) => _status ??= status;
    }

    private sealed class SingleReader<T>(Task<T> response) : IAsyncStreamReader<T>
    {
        private bool _read;

        public T Current { get; private set; } = default!;

        public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
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

        public Task WriteAsync(T message, CancellationToken cancellationToken = default)
        {
            lock (Messages)
            {
                Messages.Add(message);
            }

            return Task.CompletedTask;
        }

        public Task CompleteAsync()
        {
            _completed.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
