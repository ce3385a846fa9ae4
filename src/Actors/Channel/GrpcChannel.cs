using System.Runtime.ExceptionServices;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Protocol;
using ActorChannel.Kernel;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Client;

/// <summary>
/// A gRPC client channel: resolves a target, balances calls over connections to its addresses and keeps them
/// connected. Behind it, the channel, its resolver, its balancer and every subchannel are actors; calls reach
/// a READY connection through a lock-free picker without passing through any mailbox.
/// </summary>
public sealed class GrpcChannel : CallInvoker, IAsyncDisposable
{
    private readonly ChannelRuntime _runtime;
    private readonly ActorRef<ChannelMessage> _actor;
    private readonly ActorSystem? _ownedSystem;
    private Task? _disposing;

    private GrpcChannel(string target, ChannelRuntime runtime, ActorRef<ChannelMessage> actor, ActorSystem? ownedSystem)
    {
        Target = target;
        _runtime = runtime;
        _actor = actor;
        _ownedSystem = ownedSystem;
    }

    /// <summary>Dials <paramref name="target"/> in an actor system of its own; connecting starts at once.</summary>
    /// <exception cref="ArgumentException">An option or the target is invalid (the message names which).</exception>
    public static GrpcChannel Dial(string target, GrpcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var system = ActorSystem.Create("grpc-channel", new ActorSystemOptions { TimeProvider = options.TimeProvider, LoggerFactory = options.LoggerFactory });
        try
        {
            return Create(target, options, system.TimeProvider, props => system.Spawn(props, "channel"), system);
        }
        catch
        {
            _ = system.TerminateAsync();
            throw;
        }
    }

    /// <summary>Dials <paramref name="target"/> as a top-level actor "/user/{name}" of an existing system (whose clock it uses).</summary>
    public static GrpcChannel Dial(ActorSystem system, string target, GrpcChannelOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(target, options, system.TimeProvider, props => system.Spawn(props, name ?? NextName()), ownedSystem: null);
    }

    /// <summary>
    /// Dials <paramref name="target"/> as a child actor of the calling actor: call it from inside the actor
    /// (PreStart or a handler) with its Context. The channel stops with its parent; <see cref="DisposeAsync"/> stops it earlier.
    /// </summary>
    public static GrpcChannel Spawn<T>(IActorContext<T> parent, string target, GrpcChannelOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return Create(target, options, parent.System.TimeProvider, props => parent.Spawn(props, name ?? NextName()), ownedSystem: null);
    }

    public string Target { get; }

    /// <summary>Identifies this channel in log lines ("Subchannel {ChannelId}/{SubchannelId} ...").</summary>
    public long Id => _runtime.ChannelId;

    /// <summary>The channel actor, e.g. to Watch it.</summary>
    public ActorRef Actor => _actor;

    public ConnectivityState State => _runtime.State.State;

    /// <summary>The subchannels the balancer has now, with their current states (a snapshot for dashboards and tools).</summary>
    public IReadOnlyList<SubchannelInfo> GetSubchannels() =>
        _runtime.Subchannels.Select(h => new SubchannelInfo(h.Id, h.Address, h.State)).ToArray();

    /// <summary>Completes when the state differs from <paramref name="lastSeen"/> (at once if it already does).</summary>
    public Task<ConnectivityState> WaitForStateChangeAsync(ConnectivityState lastSeen, CancellationToken cancellationToken = default) =>
        _runtime.State.WaitForStateChangeAsync(lastSeen, cancellationToken);

    /// <summary>A blocking dial: returns when the channel is READY; leaves IDLE if needed. Cancel it to give up (a deadline).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectAsync(failOnNonTemporaryError: false, cancellationToken);

    /// <summary>
    /// Like <see cref="ConnectAsync(CancellationToken)"/>; with <paramref name="failOnNonTemporaryError"/> it throws the first
    /// connect error that retrying cannot fix (a <see cref="TransportConnectException"/> with IsTemporary false) instead of waiting on.
    /// </summary>
    public async Task ConnectAsync(bool failOnNonTemporaryError, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var state = State;
            switch (state)
            {
                case ConnectivityState.Ready:
                    return;
                case ConnectivityState.Shutdown:
                    throw new ObjectDisposedException(nameof(GrpcChannel), "The channel is closed.");
                case ConnectivityState.Idle:
                    _actor.Tell(new ChannelMessage.ExitIdle());
                    break;
            }

            var change = WaitForStateChangeAsync(state, cancellationToken);
            if (failOnNonTemporaryError)
            {
                var first = await Task.WhenAny(change, _runtime.NonTemporaryError).ConfigureAwait(false);
                if (first != change)
                {
                    ExceptionDispatchInfo.Throw(_runtime.NonTemporaryError.Result);
                }
            }

            await change.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A blocking dial with a deadline on the channel's clock: throws <see cref="TimeoutException"/> naming the state
    /// and the latest connection error when the channel is not READY within <paramref name="timeout"/>.
    /// </summary>
    public async Task ConnectAsync(TimeSpan timeout, bool failOnNonTemporaryError = false, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(timeout, _runtime.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await ConnectAsync(failOnNonTemporaryError, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var error = _runtime.Slot.Current?.Error ?? _runtime.Slot.ResolverError;
            throw new TimeoutException($"The channel to {Target} was not READY within {timeout} (state {State.ToSpecName()}{(error is null ? "" : "; latest error: " + error)}).");
        }
    }

    /// <summary>
    /// Tells <paramref name="subscriber"/> the current state now and every change after, as the message
    /// <paramref name="toMessage"/> makes. The subscription ends when the subscriber stops or unsubscribes.
    /// </summary>
    public void SubscribeState<T>(ActorRef<T> subscriber, Func<ConnectivityState, T> toMessage)
    {
        ArgumentNullException.ThrowIfNull(toMessage);
        SubscribeState(subscriber, (_, current) => toMessage(current));
    }

    /// <summary>
    /// Like <see cref="SubscribeState{T}(ActorRef{T}, Func{ConnectivityState, T})"/>, with the state before each change:
    /// <paramref name="toMessage"/> gets (previous, current). The first message carries the latest change (previous
    /// equals current only if the state never changed). A subscriber subscribes once: subscribing again replaces it.
    /// </summary>
    public void SubscribeState<T>(ActorRef<T> subscriber, Func<ConnectivityState, ConnectivityState, T> toMessage)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(toMessage);
        _actor.Tell(new ChannelMessage.SubscribeState(subscriber, (previous, current) => subscriber.Tell(toMessage(previous, current))));
    }

    public void UnsubscribeState(ActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _actor.Tell(new ChannelMessage.UnsubscribeState(subscriber));
    }

    /// <summary>
    /// Tells <paramref name="subscriber"/> every subchannel transition (channel id, subchannel id, address, from, to,
    /// reason) from this call on, as the message <paramref name="toMessage"/> makes; each subchannel's transitions
    /// arrive in order. The channel starts connecting as soon as it is made, on other threads: to be sure to see its
    /// first transitions, use <see cref="GrpcChannelOptions.TransitionObserver"/>. <paramref name="toMessage"/> runs on
    /// the subchannel's actor, so keep it a plain constructor. The subscription ends when the subscriber stops or
    /// unsubscribes.
    /// </summary>
    public void SubscribeSubchannelTransitions<T>(ActorRef<T> subscriber, Func<SubchannelTransition, T> toMessage)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(toMessage);
        Action<SubchannelTransition> notify = t => subscriber.Tell(toMessage(t));
        _runtime.AddTransitionSubscriber(subscriber, notify);
        _actor.Tell(new ChannelMessage.SubscribeSubchannelTransitions(subscriber, notify));
    }

    public void UnsubscribeSubchannelTransitions(ActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _actor.Tell(new ChannelMessage.UnsubscribeSubchannelTransitions(subscriber));
    }

    /// <summary>
    /// SHUTDOWN: calls waiting for a connection and new calls end CANCELLED "channel closed", calls in flight
    /// UNAVAILABLE; completes when every actor of the channel has stopped and every connection is closed.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        var disposing = _disposing ??= DisposeCoreAsync();
        return new ValueTask(disposing);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options) =>
        _runtime.Invoker.AsyncUnaryCall(method, request, options);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options) =>
        _runtime.Invoker.AsyncServerStreamingCall(method, request, options);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options) =>
        _runtime.Invoker.AsyncClientStreamingCall(method, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options) =>
        _runtime.Invoker.AsyncDuplexStreamingCall(method, options);

    public override string ToString() => $"GrpcChannel {Id} {Target} {State.ToSpecName()}";

    internal ChannelRuntime Runtime => _runtime;

    private async Task DisposeCoreAsync()
    {
        _runtime.Slot.Close();
        _actor.Tell(new ChannelMessage.Shutdown());
        await _runtime.Stopped.ConfigureAwait(false);
        _runtime.CloseDraining();
        await _runtime.WhenTransportsClosedAsync().ConfigureAwait(false);
        if (_ownedSystem is not null)
        {
            await _ownedSystem.TerminateAsync().ConfigureAwait(false);
        }
    }

    private static long s_names;

    private static string NextName() => "channel-" + Interlocked.Increment(ref s_names);

    private static GrpcChannel Create(string target, GrpcChannelOptions options, TimeProvider time, Func<Props<ChannelMessage>, ActorRef<ChannelMessage>> spawn, ActorSystem? ownedSystem)
    {
        var ok = DialValidation.Check(target, options);
        var logger = options.LoggerFactory.CreateLogger("ActorChannel.Client");
        var transportOptions = new TransportOptions
        {
            Credentials = ok.Credentials,
            Authority = options.Authority ?? ok.ResolverFactory.GetDefaultAuthority(ok.Target),
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = options.MaxSendMessageSize,
            UserAgent = options.UserAgent ?? TransportOptions.DefaultUserAgent,
            TimeProvider = time,
        };
        var runtime = new ChannelRuntime(time, logger, options.Backoff, options.RandomSource ?? Random.Shared.NextDouble, ok.TransportFactory, transportOptions, ok.CallCredentials, options.TransitionObserver);
        var sink = new ResolverSink();
        var resolver = ok.ResolverFactory.Create(ok.Target, new ResolverContext(time, logger, sink.Update, sink.Error));
        var actor = spawn(ChannelActor.Props(runtime, resolver, sink, ok.DefaultConfig));
        logger.LogInformation("Channel {ChannelId}: dialled {Target} ({Scheme} resolver)", runtime.ChannelId, target, ok.Target.Scheme);
        return new GrpcChannel(target, runtime, actor, ownedSystem);
    }
}
