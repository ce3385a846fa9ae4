using ActorChannel.Client.Logging;
using ActorChannel.Client.Protocol;
using ActorChannel.Resolution;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using static ActorChannel.Client.Protocol.ResolverMessage;

namespace ActorChannel.Client.Actors;

/// <summary>
/// Where a resolver's pushed results go: the resolver is made (and its errors surface) at dial time, before its
/// actor exists, so the context's callbacks forward through this once the actor has started.
/// </summary>
internal sealed class ResolverSink
{
    private IActorRef? _target;

    public void Attach(IActorRef target) => Volatile.Write(ref _target, target);

    public void Update(ResolutionResult result) => Volatile.Read(ref _target)?.Tell(new Pushed(result), ActorRefs.NoSender);

    public void Error(Exception error) => Volatile.Read(ref _target)?.Tell(new PushedError(error), ActorRefs.NoSender);
}

/// <summary>
/// Hosts one <see cref="IResolver"/>: never two resolutions at once; ResolveNow honoured at most once per the
/// resolver's MinResolveInterval; a failure is reported to the channel and retried with backoff (the retry timer is
/// armed before the error is reported); an answer's refresh schedule looked after on a timer of its own (the rules
/// are in <see cref="IResolver"/>'s remarks).
/// </summary>
internal sealed class ResolverActor : ChannelActorBase, IWithTimers
{
    private const string Timer = "resolve";
    private const string RefreshTimer = "refresh";

    private readonly ChannelRuntime _runtime;
    private readonly IResolver _resolver;
    private readonly ResolverSink _sink;
    private readonly IActorRef _channel;
    private readonly CancellationTokenSource _stopping = new();
    private bool _resolving;
    private bool _refreshing;
    private bool _pending;
    private int _failures;
    private DateTimeOffset? _lastStarted;
    private RefreshSchedule? _refresh;
    private ResolutionResult? _lastSent;

    public ResolverActor(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, IActorRef channel)
        : base(runtime)
    {
        _runtime = runtime;
        _resolver = resolver;
        _sink = sink;
        _channel = channel;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ChannelRuntime runtime, IResolver resolver, ResolverSink sink, IActorRef channel) =>
        ActorProps.Of(() => new ResolverActor(runtime, resolver, sink, channel));

    protected override void PreStart()
    {
        _sink.Attach(Self);
        Resolve();
    }

    protected override void PostStop()
    {
        // The channel disposes the resolver when it stops for good: a restarted channel spawns a new resolver
        // actor for the same resolver, which must not have been disposed under it. Akka cancels the timers.
        _stopping.Cancel();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ResolveNow:
                ResolveSoon();
                break;
            case TimerFired:
                Resolve();
                break;
            case RefreshDue:
                Refresh();
                break;
            case ResolveFinished { Result: { } result }:
                Answered(result);
                break;
            case ResolveFinished failed:
                Failed(failed.Error!);
                break;
            case Pushed pushed:
                ScheduleRefresh(pushed.Result.Refresh);
                Send(pushed.Result);
                if (pushed.Result.Addresses.Count == 0 && !_resolving)
                {
                    RetryEmpty();
                }

                break;
            case PushedError pushed:
                ReportError(pushed.Error);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Answered(ResolutionResult result)
    {
        var refreshed = _refreshing;
        _resolving = _refreshing = false;
        ScheduleRefresh(result.Refresh);
        if (refreshed && _lastSent is { } last && last.SameAs(result))
        {
            ChannelLog.RefreshUnchanged(_runtime.Logger, _runtime.ChannelId);
        }
        else
        {
            if (refreshed)
            {
                ChannelLog.RefreshChanged(_runtime.Logger, _runtime.ChannelId, result.Addresses);
            }

            Send(result);
        }

        if (result.Addresses.Count == 0)
        {
            RetryEmpty();
            return;
        }

        _failures = 0;
        if (_pending)
        {
            _pending = false;
            ResolveSoon();
        }
    }

    private void Failed(Exception error)
    {
        var refreshed = _refreshing;
        _resolving = _refreshing = false;
        if (refreshed && _refresh is { } schedule)
        {
            // The channel keeps its addresses, and nothing asked for this look: try again on the answer's schedule,
            // not with the backoff of a resolution the channel is waiting for.
            Timers.StartSingleTimer(RefreshTimer, RefreshDue.Instance, schedule.AfterFailure);
            ChannelLog.RefreshFailed(_runtime.Logger, _runtime.ChannelId, schedule.AfterFailure);
            ReportError(error);
            if (_pending)
            {
                _pending = false;
                ResolveSoon();
            }

            return;
        }

        _pending = false;
        Timers.StartSingleTimer(Timer, TimerFired.Instance, _runtime.ResolverBackoff.Delay(_failures++));
        ReportError(error);
    }

    /// <summary>
    /// No addresses is a bad resolver state (grpc-go): resolve again, with the failure backoff so a resolver with
    /// no MinResolveInterval cannot spin.
    /// </summary>
    private void RetryEmpty()
    {
        _pending = false;
        if (!Timers.IsTimerActive(Timer))
        {
            Timers.StartSingleTimer(Timer, TimerFired.Instance, _runtime.ResolverBackoff.Delay(_failures++));
        }
    }

    /// <summary>Armed before the answer goes on: whoever sees it may move the clock at once.</summary>
    private void ScheduleRefresh(RefreshSchedule? schedule)
    {
        _refresh = schedule;
        if (schedule is null)
        {
            Timers.Cancel(RefreshTimer);
        }
        else
        {
            Timers.StartSingleTimer(RefreshTimer, RefreshDue.Instance, schedule.After);
        }
    }

    private void ResolveSoon()
    {
        if (_resolving)
        {
            _pending = true;
            return;
        }

        if (Timers.IsTimerActive(Timer))
        {
            return;
        }

        var earliest = _lastStarted + _resolver.MinResolveInterval;
        var now = _runtime.Time.GetUtcNow();
        if (earliest is { } e && e > now)
        {
            Timers.StartSingleTimer(Timer, TimerFired.Instance, e - now);
            return;
        }

        Resolve();
    }

    private void Resolve()
    {
        if (_resolving)
        {
            _pending = true;
            return;
        }

        Timers.Cancel(Timer);
        _lastStarted = _runtime.Time.GetUtcNow();
        Start(refresh: false);
    }

    /// <summary>
    /// Skipped while a resolution runs: its answer is as fresh and brings its own schedule (after a failure, the
    /// backoff's retry does). Leaves the rate limit and any retry timer as they are.
    /// </summary>
    private void Refresh()
    {
        if (!_resolving)
        {
            Start(refresh: true);
        }
    }

    private void Start(bool refresh)
    {
        _resolving = true;
        _refreshing = refresh;
        var self = Self;
        Task<ResolutionResult> resolving;
        try
        {
            resolving = _resolver.ResolveAsync(_stopping.Token);
        }
        catch (Exception e)
        {
            resolving = Task.FromException<ResolutionResult>(e);
        }

        resolving.ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully
                ? new ResolveFinished(t.Result, null)
                : new ResolveFinished(null, t.Exception?.GetBaseException() ?? new OperationCanceledException("resolution cancelled"))),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Send(ResolutionResult result)
    {
        _lastSent = result;
        _channel.Tell(new ChannelMessage.AddressesUpdated(result.Addresses, result.ServiceConfigJson));
    }

    private void ReportError(Exception error)
    {
        ChannelLog.ResolverError(_runtime.Logger, _runtime.ChannelId, error.Message);
        _channel.Tell(new ChannelMessage.ResolverError(error.Message));
    }
}
