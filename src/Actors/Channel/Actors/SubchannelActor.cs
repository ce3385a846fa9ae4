using Grpc.Core;
using ActorChannel.Client.Logging;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Client.Protocol;
using ActorChannel.Transport;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.SubchannelMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// One address and at most one live connection (grpc-go's addrConn): IDLE → CONNECTING → READY | TRANSIENT_FAILURE;
/// TRANSIENT_FAILURE → IDLE when the backoff ends; READY → IDLE when the connection is lost or drains (GOAWAY);
/// anything → SHUTDOWN. Every transition is logged and reported to the balancer. While READY the transport is
/// published in the handle, so calls reach it without passing through this mailbox. Timers are armed before the
/// transition that needs them is published, so whoever sees the transition may move a test clock past them.
/// </summary>
internal sealed class SubchannelActor : ChannelActorBase, IWithTimers
{
    private const string ConnectDeadlineTimer = "connect-deadline";
    private const string BackoffTimer = "backoff";

    private readonly ChannelRuntime _runtime;
    private readonly SubchannelHandle _handle;
    private readonly IActorRef _balancer;
    private ConnectivityState _state = ConnectivityState.Idle;
    private int _generation;
    private int _failedPasses;
    private bool _settingsSeen;
    private string? _lostWhileConnecting;
    private TimeSpan _currentBackoff;
    private IClientTransport? _transport;
    private CancellationTokenSource? _connectCts;

    /// <summary>
    /// Set once this subchannel is SHUTDOWN: its transport's last events (the Closed of its own close) are then not
    /// told to an actor that is gone, which Akka would log as dead letters.
    /// </summary>
    private readonly OneWayFlag _shutDown = new();

    public SubchannelActor(ChannelRuntime runtime, SubchannelHandle handle, IActorRef balancer)
        : base(runtime)
    {
        _runtime = runtime;
        _handle = handle;
        _balancer = balancer;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ChannelRuntime runtime, SubchannelHandle handle, IActorRef balancer) =>
        ActorProps.Of(() => new SubchannelActor(runtime, handle, balancer));

    /// <summary>Where every actor starts; <see cref="MoveTo"/> switches to the behaviour of each state.</summary>
    protected override void OnReceive(object message) => Idle(message);

    private void Idle(object message)
    {
        switch (message)
        {
            case Connect:
                StartConnecting();
                break;
            default:
                Always(message);
                break;
        }
    }

    private void Connecting(object message)
    {
        switch (message)
        {
            case ConnectFinished f when f.Generation == _generation:
                OnConnectFinished(f.Error);
                break;
            case ConnectDeadline d when d.Generation == _generation:
                // Cancelling makes ConnectAsync fail; the failure then arrives as ConnectFinished.
                _connectCts?.Cancel();
                break;
            case TransportEvent { Event: var e } t when t.Generation == _generation:
                OnConnectingEvent(e);
                break;
            default:
                Always(message);
                break;
        }
    }

    private void Ready(object message)
    {
        switch (message)
        {
            case TransportEvent { Event: var e } t when t.Generation == _generation:
                OnReadyEvent(e);
                break;
            default:
                Always(message);
                break;
        }
    }

    private void TransientFailure(object message)
    {
        switch (message)
        {
            case BackoffEnded b when b.Generation == _generation:
                MoveTo(ConnectivityState.Idle, "backoff ended");
                break;
            default:
                Always(message);
                break;
        }
    }

    /// <summary>What every state but SHUTDOWN handles the same way.</summary>
    private void Always(object message)
    {
        switch (message)
        {
            case Sync sync:
                sync.Done.TrySetResult();
                break;
            case Shutdown s:
                // Only a READY connection can have calls to drain; a dial still in progress never emits Closed,
                // so closing it "gracefully" would leave it tracked as draining forever.
                ShutdownNow(s.Reason, graceful: _state == ConnectivityState.Ready);
                Context.Stop(Self);
                break;
            case SubchannelMessage:
                // A Connect outside IDLE, or a result, timer or event of an attempt that is over.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private static void Stopped(object message)
    {
    }

    protected override void PostStop()
    {
        // Stopped with the channel (or by supervision) rather than by a Shutdown message: calls in flight fail.
        if (_state != ConnectivityState.Shutdown)
        {
            ShutdownNow("channel closed", graceful: false);
        }
    }

    /// <summary>
    /// A bug threw in here: the fresh instance starts IDLE without a connection, so drop this one's connection and
    /// tell the balancer, which reconnects it as its policy says. Not Akka's default, whose PostStop would be SHUTDOWN.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Timers.CancelAll();
        _connectCts?.Cancel();
        DisposeConnectCts();
        CloseTransport(graceful: false);
        if (_state is not (ConnectivityState.Idle or ConnectivityState.Shutdown))
        {
            MoveTo(ConnectivityState.Idle, $"restarted after {reason.GetType().Name}: {reason.Message}");
        }
    }

    private void StartConnecting()
    {
        if (_state != ConnectivityState.Idle)
        {
            return;
        }

        int generation = _generation = _handle.NextGeneration();
        _settingsSeen = false;
        _lostWhileConnecting = null;
        _currentBackoff = _runtime.Backoff.Delay(_failedPasses);
        var connectTimeout = _runtime.Backoff.ConnectTimeout(_currentBackoff);
        Timers.StartSingleTimer(ConnectDeadlineTimer, new ConnectDeadline(generation), connectTimeout);
        MoveTo(ConnectivityState.Connecting, $"connect attempt {_failedPasses + 1}, deadline {connectTimeout.TotalSeconds:0.###} s");

        var self = Self;
        IClientTransport? transport = null;
        var runtime = _runtime;
        var shutDown = _shutDown;
        try
        {
            transport = _runtime.TransportFactory.Create(_handle.Address, _runtime.TransportOptions, e =>
            {
                if (e is ConnectionEvent.Closed && Volatile.Read(ref transport) is { } closed)
                {
                    runtime.TransportClosed(closed);
                }

                if (!shutDown.IsSet)
                {
                    self.Tell(new TransportEvent(generation, e));
                }
            });
        }
        catch (Exception e)
        {
            OnConnectFinished(e);
            return;
        }

        _transport = transport;
        _connectCts = new CancellationTokenSource();
        Task connecting;
        try
        {
            connecting = transport.ConnectAsync(_connectCts.Token);
        }
        catch (Exception e)
        {
            connecting = Task.FromException(e);
        }

        connecting.ContinueWith(
            t => self.Tell(new ConnectFinished(generation, t.IsFaulted ? t.Exception!.GetBaseException() : t.IsCanceled ? new TransportConnectException("connect cancelled") : null)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnConnectFinished(Exception? error)
    {
        Timers.Cancel(ConnectDeadlineTimer);
        DisposeConnectCts();
        if (_lostWhileConnecting is not null)
        {
            // The connection died before READY (ConnectAsync may even have succeeded): never publish a dead
            // transport, and report why it died rather than the cancellation that ended the attempt.
            error = new TransportConnectException(_lostWhileConnecting, error);
        }

        if (error is null)
        {
            // Backoff resets only when the server's SETTINGS prove the connection usable (connection-backoff.md),
            // so a peer that accepts sockets and never speaks HTTP/2 cannot cause a reconnect storm.
            if (_settingsSeen)
            {
                _failedPasses = 0;
            }

            MoveTo(ConnectivityState.Ready, "connected");
            return;
        }

        CloseTransport(graceful: false);
        if (error is TransportConnectException { IsTemporary: false })
        {
            _runtime.ReportNonTemporaryError(error);
        }

        var backoff = _currentBackoff;
        _failedPasses++;
        Timers.StartSingleTimer(BackoffTimer, new BackoffEnded(_generation), backoff);
        MoveTo(ConnectivityState.TransientFailure, $"{error.Message}; retrying in {backoff.TotalSeconds:0.###} s", error.Message);
    }

    private void OnConnectingEvent(ConnectionEvent e)
    {
        switch (e)
        {
            case ConnectionEvent.SettingsReceived:
                // Backoff resets only for a connection that makes it to READY: one that dies (or drains) while
                // still connecting is a failed attempt, or a draining server would get a reconnect storm.
                _settingsSeen = true;
                break;
            case ConnectionEvent.GoAwayReceived goAway:
                // A server draining before this connection was READY: a failed attempt (backoff, ResolveNow),
                // as grpc-go does; reconnecting at once would hammer a server that is going away.
                AbandonAttempt($"GOAWAY {goAway.ErrorCode} while connecting");
                break;
            case ConnectionEvent.Closed closed:
                AbandonAttempt("connection closed while connecting: " + (closed.Error?.Message ?? closed.Reason.ToString()));
                break;
        }
    }

    private void OnReadyEvent(ConnectionEvent e)
    {
        switch (e)
        {
            case ConnectionEvent.SettingsReceived:
                _settingsSeen = true;
                _failedPasses = 0;
                break;
            case ConnectionEvent.Closed closed when !_settingsSeen:
                _handle.Publish(ConnectivityState.TransientFailure, null);
                CloseTransport(graceful: false);
                var backoff = _currentBackoff;
                _failedPasses++;
                var why = "connection closed before the server's SETTINGS: " + (closed.Error?.Message ?? closed.Reason.ToString());
                Timers.StartSingleTimer(BackoffTimer, new BackoffEnded(_generation), backoff);
                MoveTo(ConnectivityState.TransientFailure, $"{why}; retrying in {backoff.TotalSeconds:0.###} s", why);
                break;
            case ConnectionEvent.GoAwayReceived goAway:
                // Draining: no new calls here; calls in flight finish, then the transport closes itself.
                _handle.Publish(ConnectivityState.Idle, null);
                CloseTransport(graceful: true);
                MoveTo(ConnectivityState.Idle, $"GOAWAY {goAway.ErrorCode} last stream {goAway.LastStreamId}");
                break;
            case ConnectionEvent.Closed closed:
                _handle.Publish(ConnectivityState.Idle, null);
                CloseTransport(graceful: false);
                MoveTo(ConnectivityState.Idle, "connection lost: " + (closed.Error?.Message ?? closed.Reason.ToString()));
                break;
        }
    }

    /// <summary>
    /// The attempt's connection died before READY: its ConnectFinished always follows (success or not) and then
    /// fails the attempt, so the deadline no longer matters.
    /// </summary>
    private void AbandonAttempt(string why)
    {
        _lostWhileConnecting ??= why;
        Timers.Cancel(ConnectDeadlineTimer);
        _connectCts?.Cancel();
        CloseTransport(graceful: false);
    }

    private void ShutdownNow(string reason, bool graceful)
    {
        _shutDown.Set();
        Timers.CancelAll();
        _connectCts?.Cancel();
        DisposeConnectCts();
        CloseTransport(graceful);
        MoveTo(ConnectivityState.Shutdown, reason, notifyBalancer: false);
    }

    private void MoveTo(ConnectivityState to, string reason, string? error = null, bool notifyBalancer = true)
    {
        var from = _state;
        if (!ConnectivityTransitions.IsAllowed(from, to))
        {
            ChannelLog.RefusedTransition(_runtime.Logger, _runtime.ChannelId, _handle.Id, _handle.Address, from.ToSpecName(), to.ToSpecName(), reason);
            return;
        }

        _state = to;
        Become(to switch
        {
            ConnectivityState.Idle => Idle,
            ConnectivityState.Connecting => Connecting,
            ConnectivityState.Ready => Ready,
            ConnectivityState.TransientFailure => TransientFailure,
            _ => Stopped,
        });
        _handle.Publish(to, to == ConnectivityState.Ready ? _transport : null);
        ChannelLog.SubchannelTransition(_runtime.Logger, _runtime.ChannelId, _handle.Id, _handle.Address, from.ToSpecName(), to.ToSpecName(), reason);
        _runtime.ReportTransition(_handle.Id, _handle.Address, from, to, reason);
        if (notifyBalancer)
        {
            _balancer.Tell(new BalancerMessage.SubConnStateChanged(_handle.Id, to, error));
        }
    }

    private void CloseTransport(bool graceful)
    {
        var transport = _transport;
        _transport = null;
        if (transport is null)
        {
            return;
        }

        try
        {
            if (graceful)
            {
                _runtime.TrackDraining(transport);
                transport.GracefulClose();
            }
            else
            {
                _runtime.TrackClose(transport.CloseAsync().AsTask());
            }
        }
        catch (Exception e)
        {
            ChannelLog.CloseFailed(_runtime.Logger, e, _runtime.ChannelId, _handle.Id);
        }
    }

    private void DisposeConnectCts()
    {
        _connectCts?.Dispose();
        _connectCts = null;
    }
}
