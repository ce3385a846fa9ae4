using Microsoft.Extensions.Logging;

namespace ActorChannel.Kernel;

/// <summary>A tree of actors sharing a clock, a logger factory and the thread pool.</summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell<Guardian.Nothing> _guardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _terminating;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = name;
        TimeProvider = options.TimeProvider;
        LoggerFactory = options.LoggerFactory;
        Throughput = options.Throughput;
        PreferLocalScheduling = options.PreferLocalScheduling;
        Log = LoggerFactory.CreateLogger("ActorChannel.Kernel");
        DeadLetters = new DeadLetters(Log);
        _guardian = new ActorCell<Guardian.Nothing>(this, null, "user", Props<Guardian.Nothing>.Create(() => new Guardian()));
        _guardian.ScheduleStart();
    }

    public string Name { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public long DeadLetterCount => DeadLetters.Count;

    /// <summary>Completes once every actor has stopped and run PostStop.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal int Throughput { get; }

    internal bool PreferLocalScheduling { get; }

    internal ILogger Log { get; }

    internal DeadLetters DeadLetters { get; }

    internal IdleTracker Idle { get; } = new();

    public static ActorSystem Create(string name, ActorSystemOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new ActorSystemOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        ArgumentNullException.ThrowIfNull(options.LoggerFactory, nameof(options.LoggerFactory));
        if (options.Throughput <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Throughput, "Throughput must be at least 1.");
        }

        return new ActorSystem(name, options);
    }

    /// <summary>Starts a top-level actor at <c>/user/{name}</c>; the name must be unique among them.</summary>
    public ActorRef<T> Spawn<T>(Props<T> props, string name)
    {
        if (Volatile.Read(ref _terminating) != 0)
        {
            throw new InvalidOperationException($"Actor system '{Name}' is terminating; it cannot spawn '{name}'.");
        }

        return _guardian.SpawnChild(props, name);
    }

    /// <summary>Stops every actor, children before parents; completes after the last PostStop.</summary>
    public Task TerminateAsync()
    {
        if (Interlocked.Exchange(ref _terminating, 1) == 0)
        {
            _guardian.PostSystem(new StopActor());
        }

        return WhenTerminated;
    }

    public async ValueTask DisposeAsync() => await TerminateAsync().ConfigureAwait(false);

    /// <summary>Test aid: completes when no mailbox has pending work and no handler is running.</summary>
    public Task WhenIdleAsync(CancellationToken ct = default) => Idle.WhenIdleAsync(ct);

    public override string ToString() => $"ActorSystem({Name})";

    internal void OnGuardianStopped() => _terminated.TrySetResult();
}
