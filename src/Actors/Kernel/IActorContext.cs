using Microsoft.Extensions.Logging;

namespace ActorChannel.Kernel;

/// <summary>What an actor may do; use it only from the actor's own handlers and hooks.</summary>
public interface IActorContext<T>
{
    ActorRef<T> Self { get; }

    /// <summary>Null for a top-level actor.</summary>
    ActorRef? Parent { get; }

    ActorSystem System { get; }

    /// <summary>Logger whose category is the actor's path.</summary>
    ILogger Log { get; }

    ITimerScheduler<T> Timers { get; }

    IReadOnlyCollection<ActorRef> Children { get; }

    /// <summary>Starts a child; the name must be unique among the living children.</summary>
    ActorRef<TChild> Spawn<TChild>(Props<TChild> props, string name);

    /// <summary>Stops a child asynchronously; its PostStop runs after its own children's.</summary>
    void Stop(ActorRef child);

    void StopSelf();

    /// <summary>OnTerminated(other) runs exactly once when other stops, even if it already has.</summary>
    void Watch(ActorRef other);

    /// <summary>Like Watch, but <paramref name="message"/> goes to Receive instead of OnTerminated.</summary>
    void WatchWith(ActorRef other, T message);

    void Unwatch(ActorRef other);
}

/// <summary>
/// Timers of one actor, keyed. Starting a key again replaces its timer; a cancelled or replaced
/// timer never delivers, not even a message already in the mailbox.
/// </summary>
public interface ITimerScheduler<T>
{
    void StartSingleTimer(object key, T message, TimeSpan delay);

    /// <summary>First delivery after one interval.</summary>
    void StartPeriodicTimer(object key, T message, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}
