using Grpc.Core;
using ActorChannel.Transport;

namespace ActorChannel.Client.Picking;

/// <summary>
/// The channel's current picker and the pick path of every call (grpc-go's picker_wrapper, without its mutex).
/// Calls read the picker with Volatile and, when they must wait, await a TaskCompletionSource that the next
/// <see cref="Publish"/> swaps out and completes: waiting never costs a mailbox round trip.
/// </summary>
internal sealed class PickerSlot
{
    private const int SamePickerRetries = 2;

    private readonly TimeProvider _time;
    private Picker? _picker;
    private TaskCompletionSource _next = NewSignal();
    private string? _resolverError;

    public PickerSlot(TimeProvider time) => _time = time;

    public Picker? Current => Volatile.Read(ref _picker);

    public bool IsClosed => Volatile.Read(ref _picker) is ClosedPicker;

    /// <summary>The latest resolver error, quoted with connection errors (set by the channel actor).</summary>
    public string? ResolverError
    {
        get => Volatile.Read(ref _resolverError);
        set => Volatile.Write(ref _resolverError, value);
    }

    /// <summary>Installs a picker and wakes every waiting call; ignored once closed.</summary>
    public void Publish(Picker picker)
    {
        // Close may run on a caller's thread (DisposeAsync) while the channel actor publishes: never overwrite it.
        var current = Volatile.Read(ref _picker);
        while (current is not ClosedPicker)
        {
            var seen = Interlocked.CompareExchange(ref _picker, picker, current);
            if (ReferenceEquals(seen, current))
            {
                // The picker is visible before the waiters wake, and a waiter reads the signal before the
                // picker: either it sees the new picker or it holds the old signal, which is completed here.
                Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();
                return;
            }

            current = seen;
        }
    }

    /// <summary>Final: calls waiting and calls to come end with CANCELLED "channel closed".</summary>
    public void Close()
    {
        Volatile.Write(ref _picker, ClosedPicker.Instance);
        Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// Picks a READY transport for a call. Completes synchronously when the current picker has one.
    /// Throws <see cref="RpcException"/>: UNAVAILABLE (fail-fast on a failing picker), the picker's status on a
    /// drop, DEADLINE_EXCEEDED or CANCELLED while waiting.
    /// </summary>
    public ValueTask<IClientTransport> PickAsync(in PickInfo info, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (TryPick(in info, out var transport))
        {
            return new ValueTask<IClientTransport>(transport);
        }

        return new ValueTask<IClientTransport>(PickSlowAsync(info, deadline, cancellationToken, Volatile.Read(ref _next), Volatile.Read(ref _picker), avoid: null));
    }

    /// <summary>
    /// A pick for the transparent retry of a call that <paramref name="avoid"/> did not process: that transport is
    /// skipped while the picker offers others, and taken if its subchannel still publishes it after that.
    /// </summary>
    public Task<IClientTransport> PickAvoidingAsync(in PickInfo info, DateTimeOffset? deadline, CancellationToken cancellationToken, IClientTransport avoid) =>
        PickSlowAsync(info, deadline, cancellationToken, Volatile.Read(ref _next), Volatile.Read(ref _picker), avoid);

    /// <summary>
    /// Completes once a picker has been published, i.e. the channel has heard from its resolver (the balancer
    /// publishes only after the first addresses or resolver error, which come with the service config), or the
    /// slot closed. Throws DEADLINE_EXCEEDED or CANCELLED like a pick that waits.
    /// </summary>
    public async Task WaitForFirstPickerAsync(DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal before the picker, as in PickSlowAsync: a publish in between completes this signal.
            var signal = Volatile.Read(ref _next);
            if (Volatile.Read(ref _picker) is not null)
            {
                return;
            }

            await WaitForNextPickerAsync(signal, picker: null, deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The hot path: the current picker's choice when it is READY right now; allocates nothing.</summary>
    public bool TryPick(in PickInfo info, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IClientTransport? transport)
    {
        var picker = Volatile.Read(ref _picker);
        if (picker is not null)
        {
            var result = picker.Pick(in info);
            if (result.Kind == PickKind.Complete && result.Subchannel!.ReadyTransport is { } ready)
            {
                transport = ready;
                return true;
            }
        }

        transport = null;
        return false;
    }

    private async Task<IClientTransport> PickSlowAsync(PickInfo info, DateTimeOffset? deadline, CancellationToken cancellationToken, TaskCompletionSource signal, Picker? picker, IClientTransport? avoid)
    {
        int samePickerTries = 0;
        bool synced = false;
        while (true)
        {
            if (picker is not null)
            {
                var result = picker.Pick(in info);
                switch (result.Kind)
                {
                    case PickKind.Complete:
                        if (result.Subchannel!.ReadyTransport is { } transport)
                        {
                            if (transport != avoid)
                            {
                                return transport;
                            }

                            if (samePickerTries >= SamePickerRetries)
                            {
                                if (synced)
                                {
                                    // The subchannel has heard every event of this transport and still publishes
                                    // it: the refusal was per stream (REFUSED_STREAM on a healthy connection, e.g.
                                    // the only backend), and waiting for another picker could wait forever.
                                    return transport;
                                }

                                // A GOAWAY may still be on its way to the subchannel: let it catch up, then re-pick.
                                try
                                {
                                    await Task.WhenAny(result.Subchannel.SyncAsync(), signal.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
                                }
                                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                                {
                                    throw Cancelled(picker);
                                }
                                synced = true;
                                signal = Volatile.Read(ref _next);
                                picker = Volatile.Read(ref _picker);
                                samePickerTries = 0;
                                continue;
                            }
                        }

                        // The subchannel left READY after this picker was made: try the picker's next choice a
                        // couple of times (round robin moves on), then wait for the balancer's next picker.
                        if (++samePickerTries <= SamePickerRetries)
                        {
                            continue;
                        }

                        break;
                    case PickKind.Drop:
                        throw new RpcException(result.Error);
                    case PickKind.Fail when !info.WaitForReady:
                        throw new RpcException(new Status(StatusCode.Unavailable, DescribeFailure(result.Error.Detail), result.Error.DebugException));
                }
            }

            await WaitForNextPickerAsync(signal, picker, deadline, cancellationToken).ConfigureAwait(false);
            signal = Volatile.Read(ref _next);
            picker = Volatile.Read(ref _picker);
            samePickerTries = 0;
        }
    }

    private async Task WaitForNextPickerAsync(TaskCompletionSource signal, Picker? picker, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            throw Cancelled(picker);
        }

        try
        {
            if (deadline is { } d)
            {
                var remaining = d - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await signal.Task.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "deadline exceeded while waiting for a connection" + LatestErrorSuffix(picker)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw Cancelled(picker);
        }
    }

    private RpcException Cancelled(Picker? picker) =>
        new(new Status(StatusCode.Cancelled, "call cancelled while waiting for a connection" + LatestErrorSuffix(picker)));

    private string LatestErrorSuffix(Picker? picker)
    {
        var error = (Volatile.Read(ref _picker) ?? picker)?.Error;
        var resolver = ResolverError;
        return (error, resolver) switch
        {
            (null, null) => "",
            (_, null) => "; latest balancer error: " + error,
            (null, _) => "; latest resolver error: " + resolver,
            _ => "; latest balancer error: " + error + "; latest resolver error: " + resolver,
        };
    }

    private string DescribeFailure(string failure)
    {
        var resolver = ResolverError;
        return resolver is null || failure.Contains(resolver, StringComparison.Ordinal)
            ? failure
            : failure + "; last resolver error: " + resolver;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class ClosedPicker : Picker
    {
        public static ClosedPicker Instance { get; } = new();

        public override string? Error => "channel closed";

        public override PickResult Pick(in PickInfo info) => PickResult.Drop(new Status(StatusCode.Cancelled, "channel closed"));
    }
}
