using Grpc.Core;

namespace ActorChannel.Client.Calls;

/// <summary>A response stream that exists before its call has a connection: the first read awaits the pick.</summary>
internal sealed class DeferredReader<T>(Task<IAsyncStreamReader<T>> start, DeferredCallState state) : IAsyncStreamReader<T>
{
    private IAsyncStreamReader<T>? _inner;

    public T Current => _inner is null ? throw new InvalidOperationException("MoveNext has not returned true yet.") : _inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var inner = await start.ConfigureAwait(false);
        try
        {
            bool more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            _inner = inner;
            return more;
        }
        catch (RpcException e)
        {
            state.Finished(e);
            throw;
        }
    }
}

/// <summary>A request stream whose writes wait for the pick, then go to the attempt's own stream.</summary>
internal sealed class DeferredWriter<T>(Task<IClientStreamWriter<T>> start) : IClientStreamWriter<T>
{
    private WriteOptions? _writeOptions;

    public WriteOptions? WriteOptions
    {
        get => _writeOptions;
        set
        {
            _writeOptions = value;
            if (start.IsCompletedSuccessfully)
            {
                start.Result.WriteOptions = value;
            }
        }
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        var inner = await start.ConfigureAwait(false);
        if (_writeOptions is not null)
        {
            inner.WriteOptions = _writeOptions;
        }

        await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync()
    {
        var inner = await start.ConfigureAwait(false);
        await inner.CompleteAsync().ConfigureAwait(false);
    }
}

/// <summary>The streams of a call that failed before it could start (e.g. refused call credentials).</summary>
internal sealed class FailedStream<T>(RpcException error) : IAsyncStreamReader<T>, IClientStreamWriter<T>
{
    public T Current => throw new InvalidOperationException("The call failed before it started.");

    public WriteOptions? WriteOptions { get; set; }

    public Task<bool> MoveNext(CancellationToken cancellationToken) => Task.FromException<bool>(error);

    public Task WriteAsync(T message) => Task.FromException(error);

    public Task CompleteAsync() => Task.FromException(error);
}
