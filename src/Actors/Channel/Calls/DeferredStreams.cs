using ActorChannel.Transport;

namespace ActorChannel.Client.Calls;

/// <summary>
/// A response stream that exists before its call has a transport: the first read awaits the pick. When the
/// first read fails "not processed" before any message arrived, the call is restarted once on a new pick.
/// </summary>
internal sealed class DeferredReader<T> : IAsyncStreamReader<T>
{
    private readonly DeferredCallState _state;
    private readonly Func<Task<IAsyncStreamReader<T>>>? _restart;
    private Task<IAsyncStreamReader<T>> _start;
    private IAsyncStreamReader<T>? _inner;
    private bool _gotMessage;
    private bool _restarted;

    public DeferredReader(Task<IAsyncStreamReader<T>> start, DeferredCallState state, Func<Task<IAsyncStreamReader<T>>>? restart)
    {
        _start = start;
        _state = state;
        _restart = restart;
    }

    public T Current => _inner is null ? throw new InvalidOperationException("MoveNextAsync has not returned true yet.") : _inner.Current;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var inner = await _start.ConfigureAwait(false);
            try
            {
                bool more = await inner.MoveNextAsync(cancellationToken).ConfigureAwait(false);
                _inner = inner;
                _gotMessage |= more;
                return more;
            }
            catch (RpcException e) when (e.NotProcessed && !_gotMessage && !_restarted && _restart is not null && !_state.IsCancelled)
            {
                _restarted = true;
                _start = _restart();
            }
            catch (RpcException e)
            {
                _state.Finished(e);
                throw;
            }
        }
    }
}

/// <summary>A request stream whose writes wait for the pick, then go to the transport call's stream.</summary>
internal sealed class DeferredWriter<T>(Task<IClientStreamWriter<T>> start) : IClientStreamWriter<T>
{
    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        var inner = await start.ConfigureAwait(false);
        await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync()
    {
        var inner = await start.ConfigureAwait(false);
        await inner.CompleteAsync().ConfigureAwait(false);
    }
}
