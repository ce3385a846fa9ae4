namespace ActorChannel.Kernel;

/// <summary>What a parent does with a child that threw.</summary>
public enum Directive
{
    Resume,
    Restart,
    Stop,
    Escalate,
}

/// <summary>One-for-one supervision: the decision applies only to the child that failed.</summary>
public sealed class SupervisorStrategy
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromMinutes(1);

    private readonly Func<Exception, Directive> _decider;

    private SupervisorStrategy(int maxRestarts, TimeSpan within, Func<Exception, Directive> decider)
    {
        MaxRestarts = maxRestarts;
        Within = within;
        _decider = decider;
    }

    /// <summary>Restarts allowed within <see cref="Within"/> before the child is stopped; negative means unlimited.</summary>
    public int MaxRestarts { get; }

    public TimeSpan Within { get; }

    /// <summary>Restart on any exception (a <see cref="DeathPactException"/> stops), at most 10 times a minute.</summary>
    public static SupervisorStrategy Default { get; } = OneForOne();

    public static SupervisorStrategy StoppingStrategy { get; } = OneForOne(0, null, _ => Directive.Stop);

    /// <param name="maxRestarts">restarts allowed within <paramref name="within"/>; negative = unlimited.</param>
    /// <param name="within">the restart window; default one minute.</param>
    /// <param name="decider">default: Restart, except DeathPactException which Stops (as in Akka).</param>
    public static SupervisorStrategy OneForOne(int maxRestarts = 10, TimeSpan? within = null, Func<Exception, Directive>? decider = null)
    {
        var window = within ?? DefaultWithin;
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), window, "The restart window must be positive.");
        }

        return new SupervisorStrategy(maxRestarts, window, decider ?? DefaultDecider);
    }

    internal Directive Decide(Exception cause) => _decider(cause);

    /// <summary>Counts a restart in the child's window; false once the limit is exceeded.</summary>
    internal bool AllowRestart(ref RestartWindow window, DateTimeOffset now)
    {
        if (MaxRestarts < 0)
        {
            return true;
        }

        if (window.Count == 0 || now - window.Start > Within)
        {
            window = new RestartWindow(now, 0);
        }

        window = window with { Count = window.Count + 1 };
        return window.Count <= MaxRestarts;
    }

    private static Directive DefaultDecider(Exception cause) =>
        cause is DeathPactException ? Directive.Stop : Directive.Restart;
}

/// <summary>Restarts counted since <see cref="Start"/>; kept in the child, touched only by its parent.</summary>
internal readonly record struct RestartWindow(DateTimeOffset Start, int Count);

/// <summary>Thrown by the default <c>OnTerminated</c>: an actor watched another one without handling its death.</summary>
public sealed class DeathPactException : Exception
{
    public DeathPactException(ActorRef deadActor)
        : base($"Watched actor {deadActor?.Path} terminated and OnTerminated was not overridden.")
    {
        ArgumentNullException.ThrowIfNull(deadActor);
        DeadActor = deadActor;
    }

    public ActorRef DeadActor { get; }
}
