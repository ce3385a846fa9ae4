using ActorChannel.Transport;

namespace ActorChannel.Client.Calls;

/// <summary>The transport call behind a channel call, seen through the parts every call kind shares.</summary>
internal sealed class InnerCall(Task<Metadata> headers, Func<Status> status, Func<Metadata> trailers, Action cancel)
{
    public Task<Metadata> Headers { get; } = headers;

    public Status GetStatus() => status();

    public Metadata GetTrailers() => trailers();

    public void Cancel() => cancel();
}

/// <summary>
/// The call state of a channel call, returned before the call has a transport: it answers for the pick
/// while it waits (and fails), then forwards to the transport call of the current attempt.
/// </summary>
internal sealed class DeferredCallState : ICallState
{
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InnerCall? _inner;
    private RpcException? _failure;
    private CancellationTokenSource? _cts;
    private int _cancelled;

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;

    /// <summary>Cancelled by <see cref="Cancel"/>; made on first use so calls that never wait pay nothing.</summary>
    public CancellationToken Token => EnsureCts().Token;

    public Status GetStatus()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return failure.Status;
        }

        return Volatile.Read(ref _inner)?.GetStatus() ?? throw new InvalidOperationException("The call is still waiting for a connection; its status is not known yet.");
    }

    public Metadata GetTrailers()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return failure.Trailers;
        }

        return Volatile.Read(ref _inner)?.GetTrailers() ?? throw new InvalidOperationException("The call is still waiting for a connection; its trailers are not known yet.");
    }

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelled, 1) != 0)
        {
            return;
        }

        EnsureCts().Cancel();
        Volatile.Read(ref _inner)?.Cancel();
    }

    /// <summary>The call now runs on <paramref name="inner"/> (a new attempt replaces the previous one).</summary>
    public void Attach(InnerCall inner)
    {
        Volatile.Write(ref _inner, inner);
        inner.Headers.ContinueWith(
            static (t, s) =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ((TaskCompletionSource<Metadata>)s!).TrySetResult(t.Result);
                }
            },
            _headers,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        if (IsCancelled)
        {
            inner.Cancel();
        }
    }

    /// <summary>The call failed before it reached a transport (pick failure, deadline, cancellation, channel closed).</summary>
    public void FailBeforeStart(RpcException error)
    {
        Volatile.Write(ref _failure, error);
        Finished(error);
    }

    /// <summary>The final attempt failed; headers that never came fail with the same error.</summary>
    public void Finished(RpcException? error)
    {
        if (error is not null)
        {
            // Nobody may ever await the headers of a failed call: observe the fault so it is not reported as unobserved.
            _headers.TrySetException(error);
            _ = _headers.Task.Exception;
        }
    }

    private CancellationTokenSource EnsureCts()
    {
        var cts = Volatile.Read(ref _cts);
        if (cts is not null)
        {
            return cts;
        }

        var fresh = new CancellationTokenSource();
        return Interlocked.CompareExchange(ref _cts, fresh, null) ?? fresh;
    }
}
