using Grpc.Core;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using ActorChannel.Client.Logging;
using ActorChannel.Client.Backoff;
using ActorChannel.Client.Calls;
using ActorChannel.Client.Connectivity;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Client.Actors;

/// <summary>
/// What the actors of one channel share with each other and with the calling threads: settings, and the
/// lock-free publication points (picker slot, state). Holds no connection state of its own.
/// </summary>
internal sealed class ChannelRuntime
{
    private static long s_nextChannelId;
    // An immutable stack: empty, it is a shared singleton, so an idle channel pays nothing for it.
    private ImmutableStack<Task> _closing = ImmutableStack<Task>.Empty;
    // Small to start with (one lock, 4 buckets): most channels have a few subchannels, and an idle channel should cost
    // little; the dictionaries grow when a resolver reports many addresses.
    private readonly ConcurrentDictionary<IClientTransport, byte> _draining = new(concurrencyLevel: 1, capacity: 4);
    private readonly ConcurrentDictionary<long, SubchannelHandle> _subchannels = new(concurrencyLevel: 1, capacity: 4);
    private readonly TaskCompletionSource<Exception> _nonTemporaryError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextSubchannelId;
    private long _messagesHandled;
    private readonly ConcurrentDictionary<IActorRef, byte> _actors = new(concurrencyLevel: 1, capacity: 8);
    private IActorRef[] _transitionSubscribers = [];

    public ChannelRuntime(
        TimeProvider time,
        ILogger logger,
        BackoffOptions backoff,
        Func<double> random,
        IClientTransportFactory transportFactory,
        TransportOptions transportOptions,
        CallCredentials? channelCallCredentials,
        bool refuseCallCredentials,
        Action<SubchannelTransition>? onTransition)
    {
        ChannelId = Interlocked.Increment(ref s_nextChannelId);
        Time = time;
        Logger = logger;
        Random = random;
        Backoff = new ExponentialBackoff(backoff, random);
        ResolverBackoff = new ExponentialBackoff(backoff, random);
        TransportFactory = transportFactory;
        OnTransition = onTransition;
        Slot = new PickerSlot(time);
        TransportOptions = transportOptions with { Reroute = TransparentRetry.For(Slot) };
        State = new StatePublisher(ConnectivityState.Idle);
        Invoker = new ChannelCallInvoker(Slot, time, channelCallCredentials, refuseCallCredentials);
    }

    public long ChannelId { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public Func<double> Random { get; }

    public ExponentialBackoff Backoff { get; }

    public ExponentialBackoff ResolverBackoff { get; }

    public IClientTransportFactory TransportFactory { get; }

    public TransportOptions TransportOptions { get; }

    public Action<SubchannelTransition>? OnTransition { get; }

    /// <summary>How many actors are told of subchannel transitions now (for tests).</summary>
    public int TransitionSubscriberCount => Volatile.Read(ref _transitionSubscribers).Length;

    public PickerSlot Slot { get; }

    public StatePublisher State { get; }

    public ChannelCallInvoker Invoker { get; }

    /// <summary>Completes with the first connect error retrying cannot fix (ConnectAsync may throw it).</summary>
    public Task<Exception> NonTemporaryError => _nonTemporaryError.Task;

    /// <summary>Completes after the channel actor's PostStop (so after every child's).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Messages the channel's actors have handled so far (diagnostics; a test kit waits for it to stay still).</summary>
    public long MessagesHandled => Volatile.Read(ref _messagesHandled);

    /// <summary>Each of the channel's actors calls this after every message it has handled and every lifecycle hook it has run.</summary>
    public void CountMessage() => Interlocked.Increment(ref _messagesHandled);

    /// <summary>
    /// The channel actor's state subscribers. Kept here, not in the actor, so that a restarted channel actor still
    /// has them (Akka keeps its death watches across the restart). Touched only by the channel actor.
    /// </summary>
    public HashSet<IActorRef> StateSubscribers { get; } = new();

    /// <summary>The channel actor's transition subscribers (its own record; see <see cref="StateSubscribers"/>).</summary>
    public HashSet<IActorRef> TransitionSubscriberSet { get; } = new();

    /// <summary>The channel state before the latest change (for a new subscriber's first message); channel actor only.</summary>
    public ConnectivityState PreviousState { get; set; } = ConnectivityState.Idle;

    /// <summary>The channel's actors now living: the channel, its resolver, its balancer and every subchannel.</summary>
    public IReadOnlyCollection<IActorRef> Actors => _actors.Keys.ToArray();

    /// <summary>Told by whoever made the actor, right after making it.</summary>
    public void ActorStarted(IActorRef actor) => _actors.TryAdd(actor, 0);

    public void ActorStopped(IActorRef actor) => _actors.TryRemove(actor, out _);

    /// <summary>The highest subchannel id given out so far (ids run from 1).</summary>
    public long LastSubchannelId => Interlocked.Read(ref _nextSubchannelId);

    public long NextSubchannelId() => Interlocked.Increment(ref _nextSubchannelId);

    /// <summary>For observers only (GetSubchannels): the balancer registers and removes; state lives in the handles.</summary>
    public void Register(SubchannelHandle handle) => _subchannels[handle.Id] = handle;

    public void Unregister(long id) => _subchannels.TryRemove(id, out _);

    public IReadOnlyList<SubchannelHandle> Subchannels => _subchannels.Values.OrderBy(h => h.Id).ToArray();

    /// <summary>
    /// Adds a subscriber at once, on the subscribing thread: it sees transitions from the moment of the call, not from
    /// whenever the channel actor gets to the message. (A channel starts connecting as soon as it is made, so only the
    /// options' observer is sure to see its first attempt.) The channel actor still owns the subscription's lifetime
    /// (death watch, unsubscribe). Read by every subchannel actor without a lock: the array is replaced
    /// (compare-and-swap), never changed.
    /// </summary>
    public void AddTransitionSubscriber(IActorRef subscriber) => SwapTransitionSubscribers(subscriber, add: true);

    /// <summary>Removes a subscriber (the channel actor, on unsubscribe or when the subscriber stopped).</summary>
    public void RemoveTransitionSubscriber(IActorRef subscriber) => SwapTransitionSubscribers(subscriber, add: false);

    private void SwapTransitionSubscribers(IActorRef subscriber, bool add)
    {
        while (true)
        {
            var current = Volatile.Read(ref _transitionSubscribers);
            var others = current.Where(s => !s.Equals(subscriber));
            var next = (add ? others.Append(subscriber) : others).ToArray();
            if (ReferenceEquals(Interlocked.CompareExchange(ref _transitionSubscribers, next, current), current))
            {
                return;
            }
        }
    }

    /// <summary>From a subchannel actor, once per transition: the options' observer, then every subscribed actor.</summary>
    public void ReportTransition(long subchannelId, TransportAddress address, ConnectivityState from, ConnectivityState to, string reason)
    {
        var subscribers = Volatile.Read(ref _transitionSubscribers);
        if (OnTransition is null && subscribers.Length == 0)
        {
            return;
        }

        var transition = new SubchannelTransition(ChannelId, subchannelId, address, from, to, reason);
        // Unguarded on purpose: the observer runs on the subchannel actor, and an observer that throws fails that
        // actor like any bug in it would (it is restarted IDLE), rather than being hidden.
        OnTransition?.Invoke(transition);
        foreach (var subscriber in subscribers)
        {
            subscriber.Tell(transition, ActorRefs.NoSender);
        }
    }

    public void ReportNonTemporaryError(Exception error) => _nonTemporaryError.TrySetResult(error);

    /// <summary>A transport close that DisposeAsync must wait for.</summary>
    public void TrackClose(Task closing)
    {
        if (!closing.IsCompleted)
        {
            ImmutableInterlocked.Push(ref _closing, closing);
        }
    }

    public void MarkStopped() => _stopped.TrySetResult();

    /// <summary>A transport closing gracefully (GOAWAY, removed address): DisposeAsync closes it hard if it is still draining.</summary>
    public void TrackDraining(IClientTransport transport) => _draining.TryAdd(transport, 0);

    /// <summary>Transports closing gracefully that have not closed yet (tests and diagnostics).</summary>
    public IReadOnlyCollection<IClientTransport> DrainingTransports => _draining.Keys.ToArray();

    /// <summary>Told from the transport's own thread when it has closed.</summary>
    public void TransportClosed(IClientTransport transport) => _draining.TryRemove(transport, out _);

    /// <summary>Channel shutdown: calls still draining on old connections fail UNAVAILABLE now.</summary>
    public void CloseDraining()
    {
        foreach (var transport in _draining.Keys)
        {
            _draining.TryRemove(transport, out _);
            try
            {
                TrackClose(transport.CloseAsync().AsTask());
            }
            catch (Exception e)
            {
                ChannelLog.TransportCloseFailed(Logger, e, ChannelId);
            }
        }
    }

    public async Task WhenTransportsClosedAsync()
    {
        while (ImmutableInterlocked.TryPop(ref _closing, out var task))
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ChannelLog.TransportCloseFailed(Logger, e, ChannelId);
            }
        }
    }
}
