using System.Runtime.CompilerServices;
using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class LifecycleTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private readonly Journal _journal = new();

    [Fact]
    public async Task PostStop_runs_exactly_once_however_often_stop_is_requested()
    {
        var worker = System.Spawn(Worker.Props(_journal), "worker");

        worker.Tell(new Quit());
        worker.Tell(new Quit());
        await System.WhenIdleAsync();
        await System.TerminateAsync();

        Assert.Equal(1, _journal.Count("worker PostStop"));
        Assert.Equal(1, _journal.Count("worker PreStart"));
    }

    [Fact]
    public async Task Stopping_a_parent_stops_its_children_first_grandchildren_before_children()
    {
        var tree = Worker.Props(_journal, child => Worker.Props(_journal, grandchild => Worker.Props(_journal), [child + "-a", child + "-b"]), ["c1", "c2"]);
        var probe = CreateTestProbe<int>();
        var parent = System.Spawn(tree, "parent");
        await System.WhenIdleAsync();
        probe.Watch(parent);

        parent.Tell(new Quit());
        await probe.ExpectTerminatedAsync(parent);

        var stops = _journal.Entries.Where(e => e.EndsWith(" PostStop", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, stops.Count);
        Assert.Equal("parent PostStop", stops[^1]);
        foreach (var child in new[] { "c1", "c2" })
        {
            var childStop = stops.IndexOf($"{child} PostStop");
            Assert.True(stops.IndexOf($"{child}-a PostStop") < childStop, string.Join(", ", stops));
            Assert.True(stops.IndexOf($"{child}-b PostStop") < childStop, string.Join(", ", stops));
        }
    }

    [Fact]
    public async Task Terminating_a_system_of_10000_actors_runs_every_PostStop_before_completing()
    {
        var stopped = 0;
        var parentsStoppedAfterChildren = 0;
        for (var i = 0; i < 100; i++)
        {
            // 100 top-level actors with 99 children each: 10,000 actors.
            var childStops = new StrongBox<int>();
            Props<Cmd> Leaf() => Props<Cmd>.Create(() => new Counted(() =>
            {
                Interlocked.Increment(ref childStops.Value);
                Interlocked.Increment(ref stopped);
            }, null));
            System.Spawn(Props<Cmd>.Create(() => new Counted(() =>
            {
                if (Volatile.Read(ref childStops.Value) == 99)
                {
                    Interlocked.Increment(ref parentsStoppedAfterChildren);
                }

                Interlocked.Increment(ref stopped);
            }, 99, Leaf)), $"top-{i}");
        }

        await System.WhenIdleAsync();
        await System.TerminateAsync();

        Assert.Equal(10_000, stopped);
        Assert.Equal(100, parentsStoppedAfterChildren);
        Assert.True(System.WhenTerminated.IsCompletedSuccessfully);
        Assert.Throws<InvalidOperationException>(() => System.Spawn(Worker.Props(_journal), "late"));
    }

    [Fact]
    public async Task Names_must_be_unique_among_living_siblings_and_valid()
    {
        System.Spawn(Worker.Props(_journal), "same");

        Assert.Throws<ArgumentException>(() => System.Spawn(Worker.Props(_journal), "same"));
        Assert.Throws<ArgumentException>(() => System.Spawn(Worker.Props(_journal), "a/b"));
        Assert.Throws<ArgumentException>(() => System.Spawn(Worker.Props(_journal), ""));
        await System.WhenIdleAsync();
    }

    [Fact]
    public async Task A_stopped_childs_name_can_be_reused_and_paths_are_nested()
    {
        var parent = System.Spawn(Worker.Props(_journal, _ => Worker.Props(_journal)), "channel-1");
        var first = await parent.SpawnChildAsync("subchannel-3");
        Assert.Equal("/user/channel-1/subchannel-3", first.Path);
        Assert.Equal("subchannel-3", first.Name);
        Assert.Equal("/user/channel-1/subchannel-3", first.ToString());

        first.Tell(new Quit());
        await System.WhenIdleAsync();
        var second = await parent.SpawnChildAsync("subchannel-3");

        Assert.NotEqual<ActorRef>(first, second);
        Assert.Equal(first.Path, second.Path);
        Assert.Equal(0, await second.CountAsync());
    }

    [Fact]
    public async Task A_restart_stops_the_children_before_the_new_instance_starts_them_again()
    {
        var parent = System.Spawn(Worker.Props(_journal, _ => Worker.Props(_journal), ["kid"]), "parent");
        await System.WhenIdleAsync();

        parent.Tell(new Crash("restart me"));
        await System.WhenIdleAsync();

        var entries = _journal.Entries.ToList();
        Assert.True(entries.IndexOf("kid PostStop") < entries.LastIndexOf("parent created"), string.Join(", ", entries));
        Assert.Equal(2, _journal.Count("kid created"));
        Assert.Equal(0, await (await parent.ChildAsync("kid")).CountAsync());
    }

    [Fact]
    public async Task Context_exposes_self_parent_and_children()
    {
        var parent = System.Spawn(Worker.Props(_journal, _ => Worker.Props(_journal), ["kid"]), "parent");
        var kid = await parent.ChildAsync("kid");
        var seen = await kid.Ask<(ActorRef? Parent, ActorRef Self)>(
            r => new Inspect(ctx => r.Reply((ctx.Parent, ctx.Self))), TimeSpan.FromSeconds(5));

        Assert.Equal<ActorRef?>(parent, seen.Parent);
        Assert.Equal<ActorRef>(kid, seen.Self);
    }

    /// <summary>Reports its PostStop; optionally spawns children.</summary>
    private sealed class Counted(Action onStop, int? children, Func<Props<Cmd>>? childProps = null) : Actor<Cmd>
    {
        protected override void PreStart()
        {
            for (var i = 0; i < (children ?? 0); i++)
            {
                Context.Spawn(childProps!(), $"leaf-{i}");
            }
        }

        protected override void PostStop() => onStop();

        protected override void Receive(Cmd message)
        {
        }
    }

    [Fact]
    public async Task A_name_is_free_as_soon_as_its_termination_is_observed()
    {
        var probe = CreateTestProbe<int>();
        var journal = new Journal();
        var worker = System.Spawn(Worker.Props(journal), "reused");
        for (var i = 0; i < 300; i++)
        {
            probe.Watch(worker);
            worker.Tell(new Quit());
            await probe.ExpectTerminatedAsync(worker);
            worker = System.Spawn(Worker.Props(journal), "reused");   // threw now and then before the fix
        }

        Assert.Equal(0, await worker.CountAsync());
    }
}
