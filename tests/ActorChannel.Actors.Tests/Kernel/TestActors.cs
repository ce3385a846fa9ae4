using System.Collections.Concurrent;
using ActorChannel.Kernel;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>The protocol of <see cref="Worker"/>, the actor most kernel tests poke at.</summary>
internal abstract record Cmd;

internal sealed record Incr : Cmd;

internal sealed record Crash(string Why) : Cmd;

internal sealed record GetCount(ReplyTo<int> ReplyTo) : Cmd;

internal sealed record Quit : Cmd;

internal sealed record SpawnChild(string Name, ReplyTo<ActorRef<Cmd>> ReplyTo) : Cmd;

internal sealed record GetChild(string Name, ReplyTo<ActorRef<Cmd>> ReplyTo) : Cmd;

/// <summary>Runs test code inside the actor, with its context.</summary>
internal sealed record Inspect(Action<IActorContext<Cmd>> Action) : Cmd;

/// <summary>What happened, in order, across the actors of one test.</summary>
internal sealed class Journal
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Add(string entry) => _entries.Enqueue(entry);

    public int Count(string entry) => _entries.Count(e => e == entry);
}

/// <summary>Counts Incr, crashes on Crash, spawns children on request, and journals its lifecycle by name.</summary>
internal sealed class Worker : Actor<Cmd>
{
    private readonly Journal _journal;
    private readonly string _name;
    private readonly Func<string, Props<Cmd>>? _childProps;
    private readonly string[] _startChildren;
    private readonly SupervisorStrategy? _strategy;
    private int _count;

    public Worker(Journal journal, Func<string, Props<Cmd>>? childProps = null, string[]? startChildren = null, SupervisorStrategy? strategy = null)
    {
        _journal = journal;
        _name = Context.Self.Name;
        _childProps = childProps;
        _startChildren = startChildren ?? [];
        _strategy = strategy;
        _journal.Add($"{_name} created");
    }

    protected override SupervisorStrategy? SupervisorStrategy => _strategy;

    /// <summary>Props of a worker named like its actor, for trees of workers.</summary>
    public static Props<Cmd> Props(Journal journal, Func<string, Props<Cmd>>? childProps = null, string[]? startChildren = null, SupervisorStrategy? strategy = null) =>
        Props<Cmd>.Create(() => new Worker(journal, childProps, startChildren, strategy));

    protected override void PreStart()
    {
        _journal.Add($"{_name} PreStart");
        foreach (var child in _startChildren)
        {
            Context.Spawn(_childProps!(child), child);
        }
    }

    protected override void PostStop() => _journal.Add($"{_name} PostStop");

    protected override void PreRestart(Exception reason, object? message) =>
        _journal.Add($"{_name} PreRestart {reason.Message} {message?.GetType().Name}");

    protected override void PostRestart(Exception reason)
    {
        _journal.Add($"{_name} PostRestart {reason.Message}");
        base.PostRestart(reason);
    }

    protected override void Receive(Cmd message)
    {
        switch (message)
        {
            case Incr:
                _count++;
                break;
            case Crash crash:
                throw new InvalidOperationException(crash.Why);
            case GetCount get:
                get.ReplyTo.Reply(_count);
                break;
            case Quit:
                Context.StopSelf();
                break;
            case SpawnChild spawn:
                spawn.ReplyTo.Reply(Context.Spawn(_childProps!(spawn.Name), spawn.Name));
                break;
            case Inspect inspect:
                inspect.Action(Context);
                break;
            case GetChild get:
                get.ReplyTo.Reply((ActorRef<Cmd>)Context.Children.Single(c => c.Name == get.Name));
                break;
        }
    }
}

internal static class WorkerExtensions
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static Task<int> CountAsync(this ActorRef<Cmd> worker) => worker.Ask<int>(r => new GetCount(r), AskTimeout);

    public static Task<ActorRef<Cmd>> ChildAsync(this ActorRef<Cmd> worker, string name) =>
        worker.Ask<ActorRef<Cmd>>(r => new GetChild(name, r), AskTimeout);

    public static Task<ActorRef<Cmd>> SpawnChildAsync(this ActorRef<Cmd> worker, string name) =>
        worker.Ask<ActorRef<Cmd>>(r => new SpawnChild(name, r), AskTimeout);
}
