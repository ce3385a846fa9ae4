using Akka.Actor;
using ConfigurationFactory = Akka.Configuration.ConfigurationFactory;

namespace ActorChannel.Client;

/// <summary>
/// The actor system of the channels dialled without one (<see cref="ManagedChannel.Dial(string, ManagedChannelOptions)"/>):
/// one per process, made by the first such channel and terminated when the last one is disposed, so a program that
/// dials and disposes channels one after another leaves no system, scheduler thread or socket behind.
/// </summary>
internal sealed class SharedActorSystem
{
    private static readonly Akka.Configuration.Config Settings = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    private static SharedActorSystem? s_current;
    private static long s_created;
    private int _references = 1;

    private SharedActorSystem(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    /// <summary>How many shared systems were ever made (tests: one for many channels dialled together).</summary>
    internal static long Created => Interlocked.Read(ref s_created);

    /// <summary>The shared system now, or null when no channel holds it (tests).</summary>
    internal static ActorSystem? Current => Volatile.Read(ref s_current)?.System;

    /// <summary>Takes a reference on the live system, or makes a new one when there is none or it is ending.</summary>
    public static SharedActorSystem Acquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref s_current);
            if (current is not null && current.TryAddReference())
            {
                return current;
            }

            var fresh = new SharedActorSystem(ActorSystem.Create("actor-channel", Settings));
            if (Interlocked.CompareExchange(ref s_current, fresh, current) == current)
            {
                Interlocked.Increment(ref s_created);
                return fresh;
            }

            // Another thread installed one first: use that, and end this.
            _ = fresh.System.Terminate();
        }
    }

    /// <summary>Drops a reference; the last one terminates the system.</summary>
    public Task ReleaseAsync()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return Task.CompletedTask;
        }

        Interlocked.CompareExchange(ref s_current, null, this);
        return System.Terminate();
    }

    private bool TryAddReference()
    {
        while (true)
        {
            int references = Volatile.Read(ref _references);
            if (references == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references)
            {
                return true;
            }
        }
    }
}
