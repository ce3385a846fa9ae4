namespace ActorChannel.Kernel;

/// <summary>How to make (and remake, on restart) an actor, and how it supervises its children.</summary>
public sealed class Props<T>
{
    private Props(Func<Actor<T>> factory, SupervisorStrategy? strategy)
    {
        Factory = factory;
        Strategy = strategy;
    }

    internal Func<Actor<T>> Factory { get; }

    internal SupervisorStrategy? Strategy { get; }

    /// <summary>The factory runs once per incarnation: at start and again at every restart.</summary>
    public static Props<T> Create(Func<Actor<T>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props<T>(factory, null);
    }

    /// <summary>How this actor supervises its children; wins over the actor's own override.</summary>
    public Props<T> WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props<T>(Factory, strategy);
    }
}
