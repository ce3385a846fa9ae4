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
/// armed before the error is reported).
/// </summary>
internal sealed class ResolverActor : ChannelActorBase, IWithTimers
{
    private const string Timer = "resolve";

    private readonly ChannelRuntime _runtime;
    private readonly IResolver _resolver;
    private readonly ResolverSink _sink;
    private readonly IActorRef _channel;
    private readonly CancellationTokenSource _stopping = new();
    private bool _resolving;
    private bool _pending;
    private int _failures;
    private DateTimeOffset? _lastStarted;

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
        // actor for the same resolver, which must not have been disposed under it.
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
            case ResolveFinished { Result: { } result }:
                _resolving = false;
                _channel.Tell(new ChannelMessage.AddressesUpdated(result.Addresses, result.ServiceConfigJson));
                if (result.Addresses.Count == 0)
                {
                    RetryEmpty();
                    break;
                }

                _failures = 0;
                if (_pending)
                {
                    _pending = false;
                    ResolveSoon();
                }

                break;
            case ResolveFinished failed:
                _resolving = false;
                _pending = false;
                Timers.StartSingleTimer(Timer, TimerFired.Instance, _runtime.ResolverBackoff.Delay(_failures++));
                ReportError(failed.Error!);
                break;
            case Pushed pushed:
                _channel.Tell(new ChannelMessage.AddressesUpdated(pushed.Result.Addresses, pushed.Result.ServiceConfigJson));
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
        _resolving = true;
        _lastStarted = _runtime.Time.GetUtcNow();
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

    private void ReportError(Exception error)
    {
        ChannelLog.ResolverError(_runtime.Logger, _runtime.ChannelId, error.Message);
        _channel.Tell(new ChannelMessage.ResolverError(error.Message));
    }
}
