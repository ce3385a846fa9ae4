using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>Supervision corner cases: watched children across a restart, escalations that overlap, broken factories.</summary>
public sealed class RestartAndEscalationTests(ITestOutputHelper output) : ActorTestBase(output)
{
    // Ask timeouts run on the virtual clock: bound them in real time so a stuck actor fails the test instead of hanging it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly Journal _journal = new();

    [Fact]
    public async Task A_restart_does_not_turn_into_a_stop_when_the_actor_watched_its_children()
    {
        var parent = System.Spawn(Props<string>.Create(() => new WatchingParent(_journal)), "parent");

        parent.Tell("boom");
        await System.WhenIdleAsync().WaitAsync(Guard);
        parent.Tell("ping");
        await System.WhenIdleAsync().WaitAsync(Guard);

        Assert.Equal(["PreStart", "Receive boom", "PreStart", "Receive ping"], _journal.Entries);
    }

    [Fact]
    public async Task Two_children_escalating_together_are_both_resumed_and_the_grandparent_decides_once()
    {
        var decisions = 0;
        var escalating = SupervisorStrategy.OneForOne(decider: _ => Directive.Escalate);
        var resuming = SupervisorStrategy.OneForOne(decider: _ =>
        {
            Interlocked.Increment(ref decisions);
            return Directive.Resume;
        });
        var top = System.Spawn(
            Worker.Props(_journal, _ => Worker.Props(_journal, _ => Worker.Props(_journal), ["a", "b"], escalating), ["mid"], resuming),
            "top");
        var mid = await top.ChildAsync("mid");
        var a = await mid.ChildAsync("a");
        var b = await mid.ChildAsync("b");
        var bothQueued = false;

        // Hold mid inside a handler until both failures wait in its system queue, so it handles them in one go.
        mid.Tell(new Inspect(ctx =>
        {
            a.Tell(new Crash("a"));
            b.Tell(new Crash("b"));
            bothQueued = SpinWait.SpinUntil(() => ctx.Self.Cell.QueuedSystemMessages() >= 2, TimeSpan.FromSeconds(10));
            a.Tell(new Incr());
            b.Tell(new Incr());
        }));
        await System.WhenIdleAsync().WaitAsync(Guard);

        Assert.True(bothQueued);
        Assert.Equal(1, await a.CountAsync().WaitAsync(Guard));
        Assert.Equal(1, await b.CountAsync().WaitAsync(Guard));
        Assert.Equal(1, Volatile.Read(ref decisions));
        Assert.Equal(1, _journal.Count("mid created"));
    }

    [Fact]
    public async Task A_restart_directive_for_an_actor_that_is_not_failed_is_ignored()
    {
        var worker = System.Spawn(Worker.Props(_journal), "worker");
        worker.Tell(new Incr());
        await System.WhenIdleAsync().WaitAsync(Guard);

        worker.Cell.PostSystem(new RestartActor(new InvalidOperationException("stale"), null));
        await System.WhenIdleAsync().WaitAsync(Guard);

        Assert.Equal(1, await worker.CountAsync().WaitAsync(Guard));
        Assert.Equal(1, _journal.Count("worker created"));
    }

    [Fact]
    public async Task Resume_after_a_failed_props_factory_makes_the_instance()
    {
        var calls = 0;
        var parent = System.Spawn(
            Worker.Props(_journal, _ => Props<Cmd>.Create(() =>
                Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("factory") : new Worker(_journal)),
                strategy: SupervisorStrategy.OneForOne(decider: _ => Directive.Resume)),
            "parent");
        var child = await parent.SpawnChildAsync("child");

        child.Tell(new Incr());
        child.Tell(new Incr());

        Assert.Equal(2, await child.CountAsync().WaitAsync(Guard));
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(1, _journal.Count("child created"));
    }

    private sealed class WatchingParent(Journal journal) : Actor<string>
    {
        protected override void PreStart()
        {
            Context.Watch(Context.Spawn(Props<string>.Create(() => new Leaf()), "child"));
            journal.Add("PreStart");
        }

        protected override void PostStop() => journal.Add("PostStop");

        protected override void Receive(string message)
        {
            journal.Add("Receive " + message);
            if (message == "boom")
            {
                throw new InvalidOperationException("boom");
            }
        }
    }

    private sealed class Leaf : Actor<string>
    {
        protected override void Receive(string message)
        {
        }
    }
}
