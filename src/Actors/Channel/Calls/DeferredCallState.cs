using Grpc.Core;

namespace ActorChannel.Client.Calls;

/// <summary>
/// The state behind a channel call's Grpc.Core call object, which is returned before the call has a connection:
/// it answers for the pick while it waits (and fails), then forwards to the current attempt's Grpc.Net.Client
/// call. Costs one object per call unless someone asks for headers before the call reached a connection.
/// </summary>
internal sealed class DeferredCallState
{
    // Static so that making a call object allocates no delegate: Grpc.Core passes this state back to them.
    public static readonly Func<object, Task<Metadata>> HeadersOf = static s => ((DeferredCallState)s).ResponseHeadersAsync;
    public static readonly Func<object, Status> StatusOf = static s => ((DeferredCallState)s).GetStatus();
    public static readonly Func<object, Metadata> TrailersOf = static s => ((DeferredCallState)s).GetTrailers();
    public static readonly Action<object> CancelOf = static s => ((DeferredCallState)s).Cancel();

    private CallAttempt? _inner;
    private RpcException? _failure;
    private TaskCompletionSource<Metadata>? _earlyHeaders;
    private CancellationTokenSource? _cts;
    private int _cancelled;

    public Task<Metadata> ResponseHeadersAsync
    {
        get
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                return Task.FromException<Metadata>(failure);
            }

            if (Volatile.Read(ref _inner) is { } inner)
            {
                return inner.ResponseHeadersAsync;
            }

            // Asked before the pick: a promise that Attach (or a failure) keeps. Attach writes _inner before it
            // reads _earlyHeaders and this does the reverse, so one of the two always forwards.
            var early = Volatile.Read(ref _earlyHeaders);
            if (early is null)
            {
                var fresh = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
                early = Interlocked.CompareExchange(ref _earlyHeaders, fresh, null) ?? fresh;
            }

            if (Volatile.Read(ref _inner) is { } attached)
            {
                Forward(attached.ResponseHeadersAsync, early);
            }
            else if (Volatile.Read(ref _failure) is { } failed)
            {
                early.TrySetException(failed);
            }

            return early.Task;
        }
    }

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

        // Only a wait for the pick listens to the token, and it made the source: disposing a finished call (the usual
        // `using var call`) makes none. EnsureCts cancels a source it makes after this, so neither side misses the other.
        Volatile.Read(ref _cts)?.Cancel();
        Volatile.Read(ref _inner)?.Dispose();
    }

    /// <summary>The call now runs on <paramref name="inner"/> (a new attempt replaces the previous one).</summary>
    public void Attach(CallAttempt inner)
    {
        // A full fence (not Volatile.Write, which lets the reads below move before the store): Cancel and
        // ResponseHeadersAsync store then read in the opposite order, so one side always sees the other.
        Interlocked.Exchange(ref _inner, inner);
        if (Volatile.Read(ref _earlyHeaders) is { } early)
        {
            Forward(inner.ResponseHeadersAsync, early);
        }

        if (IsCancelled)
        {
            inner.Dispose();
        }
    }

    /// <summary>The call failed before it reached a transport (pick failure, deadline, cancellation, channel closed).</summary>
    public void FailBeforeStart(RpcException error)
    {
        Interlocked.Exchange(ref _failure, error);
        Finished(error);
    }

    /// <summary>The final attempt failed; headers promised early fail with the same error.</summary>
    public void Finished(RpcException? error)
    {
        if (error is not null && Volatile.Read(ref _earlyHeaders) is { } early)
        {
            early.TrySetException(error);
            _ = early.Task.Exception;
        }
    }

    private static void Forward(Task<Metadata> headers, TaskCompletionSource<Metadata> early) =>
        headers.ContinueWith(
            static (t, s) =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ((TaskCompletionSource<Metadata>)s!).TrySetResult(t.Result);
                }
            },
            early,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private CancellationTokenSource EnsureCts()
    {
        var cts = Volatile.Read(ref _cts);
        if (cts is not null)
        {
            return cts;
        }

        var fresh = new CancellationTokenSource();
        cts = Interlocked.CompareExchange(ref _cts, fresh, null) ?? fresh;
        if (IsCancelled)
        {
            cts.Cancel();
        }

        return cts;
    }
}
