using ActorChannel.Transport;
using Grpc.Core;

namespace ActorChannel.TestKit;

/// <summary>
/// A transport with no network: connect attempts follow the factory's script, the test raises connection
/// events (loss, GOAWAY), and every call is recorded and answered by <see cref="Handler"/>. Thread-safe.
/// </summary>
public sealed class FakeTransport : IClientTransport
{
    private readonly Action<ConnectionEvent> _observer;
    private readonly FakeTransportFactory _factory;
    private readonly List<ConnectionEvent> _events = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _pendingConnect;
    private int _activeCalls;

    internal FakeTransport(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer, FakeTransportFactory factory)
    {
        Address = address;
        Options = options;
        _observer = observer;
        _factory = factory;
        Handler = factory.Handler;
        Invoker = new FakeCallInvoker(this);
    }

    public TransportAddress Address { get; }

    public TransportOptions Options { get; }

    public CallInvoker Invoker { get; }

    /// <summary>Records the limits asked for on each call it makes (<see cref="FakeCall.MaxSendMessageSize"/>); it enforces none.</summary>
    public CallInvoker InvokerFor(int? maxSendMessageSize, int? maxReceiveMessageSize) =>
        new FakeCallInvoker(this, maxSendMessageSize, maxReceiveMessageSize);

    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    /// <summary>Answers each call; null answers every call with a default response (null).</summary>
    public Func<FakeCall, Task<object?>>? Handler { get; set; }

    public List<FakeCall> Calls { get; } = new();

    public int ConnectAttempts { get; private set; }

    public bool IsConnected { get; private set; }

    public bool GracefullyClosed { get; private set; }

    public bool IsClosed { get; private set; }

    /// <summary>Completes when the transport is closed (calls in flight then fail UNAVAILABLE).</summary>
    public Task WhenClosed => _closed.Task;

    /// <summary>Every event this transport raised, in order.</summary>
    public IReadOnlyList<ConnectionEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        ConnectScript script;
        lock (_gate)
        {
            ConnectAttempts++;
            script = _factory.NextScript(Address);
        }

        switch (script)
        {
            case ConnectScript.FailScript f:
                throw new TransportConnectException($"{Address}: {f.Message}", isTemporary: f.IsTemporary);
            case ConnectScript.HangScript:
                // Continuations run inline, so whoever ends the attempt (the owner's deadline, the test) sees its
                // effects before returning: virtual-time tests stay deterministic.
                var pending = new TaskCompletionSource();
                lock (_gate)
                {
                    _pendingConnect = pending;
                }

                using (cancellationToken.Register(() => pending.TrySetException(new TransportConnectException($"{Address}: connect timed out"))))
                {
                    await pending.Task.ConfigureAwait(false);
                }

                break;
        }

        IsConnected = true;
        Raise(new ConnectionEvent.Connected());
        if (script is not ConnectScript.SilentScript)
        {
            Raise(new ConnectionEvent.SettingsReceived());
        }
    }

    /// <summary>The server's SETTINGS arrive (after <see cref="ConnectScript.SucceedWithoutSettings"/>).</summary>
    public void ReceiveSettings() => Raise(new ConnectionEvent.SettingsReceived());

    /// <summary>Ends a hanging connect attempt successfully; its outcome reaches the owner before this returns.</summary>
    public void CompleteConnect() => Inline(() => _pendingConnect?.TrySetResult());

    /// <summary>Ends a hanging connect attempt with a failure; its outcome reaches the owner before this returns.</summary>
    public void FailConnect(string message = "connection refused") =>
        Inline(() => _pendingConnect?.TrySetException(new TransportConnectException($"{Address}: {message}")));

    /// <summary>The server closed the connection or the socket failed.</summary>
    public void Lose(CloseReason reason = CloseReason.Reset, Exception? error = null)
    {
        IsConnected = false;
        Raise(new ConnectionEvent.Closed(reason, error ?? new IOException("connection reset by peer")));
    }

    /// <summary>The server sent GOAWAY.</summary>
    public void GoAway(int lastStreamId = int.MaxValue, Http2ErrorCode code = Http2ErrorCode.NoError, string debugData = "") =>
        Raise(new ConnectionEvent.GoAwayReceived(lastStreamId, code, debugData));

    public void GracefulClose()
    {
        GracefullyClosed = true;
        if (ActiveCalls == 0)
        {
            CloseCore();
        }
    }

    public ValueTask CloseAsync()
    {
        CloseCore();
        return default;
    }

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>
    /// Continuations are inlined only where no SynchronizationContext is set; a test thread (xunit) has one, and a
    /// queued continuation would let "wait until idle" return before the owner heard of the outcome.
    /// </summary>
    private static void Inline(Action complete)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    internal void CallStarted(FakeCall call)
    {
        lock (_gate)
        {
            Calls.Add(call);
        }

        Interlocked.Increment(ref _activeCalls);
    }

    internal void CallEnded()
    {
        if (Interlocked.Decrement(ref _activeCalls) == 0 && GracefullyClosed)
        {
            CloseCore();
        }
    }

    private void CloseCore()
    {
        lock (_gate)
        {
            if (IsClosed)
            {
                return;
            }

            IsClosed = true;
        }

        IsConnected = false;
        _closed.TrySetResult();
        _pendingConnect?.TrySetException(new TransportConnectException($"{Address}: transport closed"));
        Raise(new ConnectionEvent.Closed(CloseReason.LocalClose, null));
    }

    private void Raise(ConnectionEvent e)
    {
        lock (_gate)
        {
            _events.Add(e);
        }

        _observer(e);
    }
}
