using System.Runtime.ExceptionServices;
using ActorChannel.Client.Logging;
using ActorChannel.Client.Actors;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Protocol;
using ActorChannel.Client.Time;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Akka.Actor;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Client;

/// <summary>
/// A gRPC client channel: resolves a target, balances calls over connections to its addresses and keeps them
/// connected. Behind it, the channel, its resolver, its balancer and every subchannel are actors; calls reach
/// a READY connection through a lock-free picker without passing through any mailbox.
/// </summary>
public sealed class ManagedChannel : ChannelBase, IAsyncDisposable
{
    private static long s_names;

    private readonly ChannelRuntime _runtime;
    private readonly IActorRef _actor;
    private readonly SharedActorSystem? _sharedSystem;
    private Task? _disposing;

    private ManagedChannel(string target, ChannelRuntime runtime, IActorRef actor, ActorSystem system, SharedActorSystem? sharedSystem)
        : base(target)
    {
        System = system;
        _runtime = runtime;
        _actor = actor;
        _sharedSystem = sharedSystem;
    }

    /// <summary>
    /// Dials <paramref name="target"/> for a program without an actor system of its own: the channel lives in the
    /// process's shared system, which the first such channel starts and the last one's DisposeAsync terminates.
    /// Connecting starts at once.
    /// </summary>
    /// <exception cref="ArgumentException">An option or the target is invalid (the message names which).</exception>
    public static ManagedChannel Dial(string target, ManagedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shared = SharedActorSystem.Acquire();
        try
        {
            return Create(target, options, shared.System, props => shared.System.ActorOf(props, NextName()), shared);
        }
        catch
        {
            _ = shared.ReleaseAsync();
            throw;
        }
    }

    /// <summary>Dials <paramref name="target"/> as the top-level actor "/user/{name}" of <paramref name="system"/>, on its scheduler's clock.</summary>
    public static ManagedChannel Dial(ActorSystem system, string target, ManagedChannelOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(target, options, system, props => system.ActorOf(props, name ?? NextName()), sharedSystem: null);
    }

    /// <summary>
    /// Dials <paramref name="target"/> as a child actor of the calling actor: call it from inside the actor
    /// (PreStart or a handler) with its Context. The channel stops with its parent, which may watch
    /// <see cref="Actor"/>; <see cref="DisposeAsync"/> stops it earlier.
    /// </summary>
    public static ManagedChannel Spawn(IActorContext context, string target, ManagedChannelOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create(target, options, context.System, props => context.ActorOf(props, name ?? NextName()), sharedSystem: null);
    }

    /// <summary>Identifies this channel in log lines ("Subchannel {ChannelId}/{SubchannelId} ...").</summary>
    public long Id => _runtime.ChannelId;

    /// <summary>The channel actor: watching it gives <see cref="Terminated"/> once the channel has shut down.</summary>
    public IActorRef Actor => _actor;

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
                    throw new ObjectDisposedException(nameof(ManagedChannel), "The channel is closed.");
                case ConnectivityState.Idle:
                    _actor.Tell(ChannelMessage.ExitIdle.Instance, ActorRefs.NoSender);
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
    /// Tells <paramref name="subscriber"/> a <see cref="ChannelStateChanged"/> for the current state now (carrying the
    /// latest change), then one for every change. The subscription ends when the subscriber stops (death watch) or
    /// unsubscribes; subscribing twice is one subscription.
    /// </summary>
    public void SubscribeState(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _actor.Tell(new ChannelMessage.SubscribeState(subscriber), ActorRefs.NoSender);
    }

    public void UnsubscribeState(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _actor.Tell(new ChannelMessage.UnsubscribeState(subscriber), ActorRefs.NoSender);
    }

    /// <summary>
    /// Tells <paramref name="subscriber"/> every <see cref="SubchannelTransition"/> (channel id, subchannel id, address,
    /// from, to, reason) from this call on; each subchannel's transitions arrive in order. The channel starts connecting
    /// as soon as it is made, on other threads: to be sure to see its first transitions, use
    /// <see cref="ManagedChannelOptions.TransitionObserver"/>. The subscription ends when the subscriber stops or
    /// unsubscribes.
    /// </summary>
    public void SubscribeSubchannelTransitions(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _runtime.AddTransitionSubscriber(subscriber);
        _actor.Tell(new ChannelMessage.SubscribeSubchannelTransitions(subscriber), ActorRefs.NoSender);
    }

    public void UnsubscribeSubchannelTransitions(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _actor.Tell(new ChannelMessage.UnsubscribeSubchannelTransitions(subscriber), ActorRefs.NoSender);
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

    /// <summary>Calls through the channel's picker; generated clients (<c>new Greeter.GreeterClient(channel)</c>) use it.</summary>
    public override CallInvoker CreateCallInvoker() => _runtime.Invoker;

    /// <summary>Grpc.Core's ShutdownAsync is <see cref="DisposeAsync"/>.</summary>
    protected override Task ShutdownAsyncCore() => DisposeAsync().AsTask();

    public override string ToString() => $"ManagedChannel {Id} {Target} {State.ToSpecName()}";

    internal ChannelRuntime Runtime => _runtime;

    /// <summary>The actor system the channel's actors live in.</summary>
    internal ActorSystem System { get; }

    private async Task DisposeCoreAsync()
    {
        _runtime.Slot.Close();
        _actor.Tell(ChannelMessage.Shutdown.Instance, ActorRefs.NoSender);
        await _runtime.Stopped.ConfigureAwait(false);
        _runtime.CloseDraining();
        await _runtime.WhenTransportsClosedAsync().ConfigureAwait(false);
        if (_sharedSystem is not null)
        {
            await _sharedSystem.ReleaseAsync().ConfigureAwait(false);
        }
    }

    private static string NextName() => "channel-" + Interlocked.Increment(ref s_names);

    private static ManagedChannel Create(string target, ManagedChannelOptions options, ActorSystem system, Func<Props, IActorRef> spawn, SharedActorSystem? sharedSystem)
    {
        var ok = DialValidation.Check(target, options);
        ChannelMailbox.EnsureRegistered(system);
        var time = SchedulerTimeProvider.For(system);
        var logger = options.LoggerFactory.CreateLogger("ActorChannel.Client");
        var transportOptions = new TransportOptions
        {
            Credentials = ok.Credentials,
            Authority = options.Authority ?? ok.ResolverFactory.GetDefaultAuthority(ok.Target),
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = options.MaxSendMessageSize,
            UserAgent = options.UserAgent,
            TlsServerName = options.TlsServerName,
            ServerCertificateValidation = options.ServerCertificateValidation,
            UnsafeUseInsecureChannelCallCredentials = options.UnsafeUseInsecureChannelCallCredentials,
            TimeProvider = time,
        };
        var runtime = new ChannelRuntime(time, logger, options.Backoff, options.RandomSource ?? Random.Shared.NextDouble, ok.TransportFactory, transportOptions, ok.CallCredentials, refuseCallCredentials: !ok.Security.IsSecure && !options.UnsafeUseInsecureChannelCallCredentials, options.TransitionObserver);
        var sink = new ResolverSink();
        var resolver = ok.ResolverFactory.Create(ok.Target, new ResolverContext(time, logger, sink.Update, sink.Error) { System = system });
        var actor = spawn(ChannelActor.Props(runtime, resolver, sink, ok.DefaultConfig));
        runtime.ActorStarted(actor);
        ChannelLog.Dialled(logger, runtime.ChannelId, target, ok.Target.Scheme);
        return new ManagedChannel(target, runtime, actor, system, sharedSystem);
    }
}
