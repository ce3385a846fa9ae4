using ActorChannel.Transport;

namespace ActorChannel.Resolution;

/// <summary>
/// A resolver driven by hand, for tests and for users who learn addresses elsewhere. <see cref="Update(ResolutionResult)"/>
/// and <see cref="Fail"/> push to the channel that currently hosts it (through <see cref="ResolverContext"/>) and
/// become the answer of <see cref="ResolveAsync"/>; before the first of them, ResolveAsync waits for it.
/// Register it with a <see cref="ManualResolverFactory"/>; each Create attaches it to a new host (the latest wins,
/// as with grpc-go's manual resolver), and disposing what Create returned detaches that host only.
/// Thread-safe: call Update and Fail from any thread.
/// </summary>
public sealed class ManualResolver : IResolver
{
    private readonly TaskCompletionSource _firstState = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State? _state;
    private ResolverContext? _context;
    private ChannelTarget? _target;
    private int _resolveCount;

    public ManualResolver(ResolutionResult? initial = null, TimeSpan minResolveInterval = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResolveInterval, TimeSpan.Zero);
        MinResolveInterval = minResolveInterval;
        if (initial is not null)
        {
            SetState(new State(initial, null));
        }
    }

    /// <summary>Zero unless given: tests decide how often ResolveNow may reach this resolver.</summary>
    public TimeSpan MinResolveInterval { get; }

    /// <summary>How many times ResolveAsync was called (a test can see ResolveNow arrive).</summary>
    public int ResolveCount => Volatile.Read(ref _resolveCount);

    /// <summary>The target of the latest Create, or null before any.</summary>
    public ChannelTarget? Target => Volatile.Read(ref _target);

    /// <summary>True while a host is attached (between Create and the dispose of what it returned).</summary>
    public bool IsAttached => Volatile.Read(ref _context) is not null;

    /// <summary>The latest result given to Update, or null if none yet or the latest push was a Fail.</summary>
    public ResolutionResult? LatestResult => Volatile.Read(ref _state)?.Result;

    /// <summary>Pushes new addresses (and optionally a service config in JSON).</summary>
    public void Update(IReadOnlyList<TransportAddress> addresses, string? serviceConfigJson = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Update(new ResolutionResult(addresses, serviceConfigJson));
    }

    /// <summary>Pushes a new result.</summary>
    public void Update(ResolutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        SetState(new State(result, null));
        Volatile.Read(ref _context)?.OnUpdate(result);
    }

    /// <summary>Pushes an error; ResolveAsync throws it until the next Update.</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        SetState(new State(null, error));
        Volatile.Read(ref _context)?.OnError(error);
    }

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resolveCount);
        await _firstState.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var state = Volatile.Read(ref _state)!;
        return state.Result ?? throw state.Error!;
    }

    /// <summary>Detaches whatever host is attached.</summary>
    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _context, null);
        return ValueTask.CompletedTask;
    }

    internal IResolver Attach(ChannelTarget target, ResolverContext context)
    {
        Volatile.Write(ref _target, target);
        Volatile.Write(ref _context, context);
        return new Attachment(this, context);
    }

    private void SetState(State state)
    {
        Volatile.Write(ref _state, state);
        _firstState.TrySetResult();
    }

    private sealed record State(ResolutionResult? Result, Exception? Error);

    /// <summary>What one Create returned: disposing it detaches its own host, never a later one.</summary>
    private sealed class Attachment(ManualResolver owner, ResolverContext context) : IResolver
    {
        public TimeSpan MinResolveInterval => owner.MinResolveInterval;

        public Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken) => owner.ResolveAsync(cancellationToken);

        public ValueTask DisposeAsync()
        {
            Interlocked.CompareExchange(ref owner._context, null, context);
            return ValueTask.CompletedTask;
        }
    }
}
