using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class DeathWatchTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private readonly Journal _journal = new();

    private abstract record WatcherCmd;

    private sealed record WatchIt(ActorRef Target) : WatcherCmd;

    private sealed record WatchItWith(ActorRef Target, string Note) : WatcherCmd;

    private sealed record UnwatchIt(ActorRef Target) : WatcherCmd;

    private sealed record Noted(string Note) : WatcherCmd;

    private sealed record GetSeen(ReplyTo<string[]> ReplyTo) : WatcherCmd;

    /// <summary>Records every Terminated / WatchWith message it gets.</summary>
    private sealed class Watcher : Actor<WatcherCmd>
    {
        private readonly List<string> _seen = [];

        protected override void Receive(WatcherCmd message)
        {
            switch (message)
            {
                case WatchIt w:
                    Context.Watch(w.Target);
                    break;
                case WatchItWith w:
                    Context.WatchWith(w.Target, new Noted(w.Note));
                    break;
                case UnwatchIt u:
                    Context.Unwatch(u.Target);
                    break;
                case Noted n:
                    _seen.Add("noted " + n.Note);
                    break;
                case GetSeen get:
                    get.ReplyTo.Reply([.. _seen]);
                    break;
            }
        }

        protected override void OnTerminated(ActorRef actor) => _seen.Add("terminated " + actor.Path);
    }

    private ActorRef<WatcherCmd> SpawnWatcher() => System.Spawn(Props<WatcherCmd>.Create(() => new Watcher()), "watcher");

    private static Task<string[]> Seen(ActorRef<WatcherCmd> watcher) =>
        watcher.Ask<string[]>(r => new GetSeen(r), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Watch_delivers_Terminated_exactly_once_even_when_watched_twice()
    {
        var watcher = SpawnWatcher();
        var target = System.Spawn(Worker.Props(_journal), "target");
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new WatchIt(target));

        target.Tell(new Quit());
        await System.WhenIdleAsync();

        Assert.Equal(["terminated /user/target"], await Seen(watcher));
    }

    [Fact]
    public async Task Watching_an_actor_that_already_stopped_still_yields_Terminated()
    {
        var watcher = SpawnWatcher();
        var target = System.Spawn(Worker.Props(_journal), "target");
        target.Tell(new Quit());
        await System.WhenIdleAsync();
        Assert.Equal(1, _journal.Count("target PostStop"));

        watcher.Tell(new WatchIt(target));
        await System.WhenIdleAsync();

        Assert.Equal(["terminated /user/target"], await Seen(watcher));
    }

    [Fact]
    public async Task WatchWith_delivers_the_chosen_message_instead()
    {
        var watcher = SpawnWatcher();
        var target = System.Spawn(Worker.Props(_journal), "target");
        watcher.Tell(new WatchItWith(target, "gone"));

        target.Tell(new Quit());
        await System.WhenIdleAsync();

        Assert.Equal(["noted gone"], await Seen(watcher));
    }

    [Fact]
    public async Task Unwatch_means_no_notification()
    {
        var watcher = SpawnWatcher();
        var target = System.Spawn(Worker.Props(_journal), "target");
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new UnwatchIt(target));

        target.Tell(new Quit());
        await System.WhenIdleAsync();

        Assert.Empty(await Seen(watcher));
    }

    [Fact]
    public async Task Unwatch_processed_after_the_death_was_reported_still_suppresses_the_notification()
    {
        var gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = System.Spawn(Props<WatcherCmd>.Create(() => new BlockingWatcher(gate.Task, entered)), "blocking-watcher");
        var target = System.Spawn(Worker.Props(_journal), "target");
        var probe = CreateTestProbe<int>();
        watcher.Tell(new WatchIt(target));
        await System.WhenIdleAsync();
        probe.Watch(target);   // after the watcher, so its notification is posted first
        await System.WhenIdleAsync();

        watcher.Tell(new Noted("block"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));   // the watcher now sits in an async handler
        target.Tell(new Quit());
        await probe.ExpectTerminatedAsync(target);
        watcher.Tell(new UnwatchIt(target));   // queued behind the blocked handler
        gate.SetResult();
        await System.WhenIdleAsync();

        Assert.Equal(["noted block"], await Seen(watcher));
    }

    /// <summary>Like Watcher, but a Noted message keeps it busy until the gate opens.</summary>
    private sealed class BlockingWatcher(Task gate, TaskCompletionSource entered) : AsyncActor<WatcherCmd>
    {
        private readonly List<string> _seen = [];

        protected override async Task ReceiveAsync(WatcherCmd message)
        {
            switch (message)
            {
                case WatchIt w:
                    Context.Watch(w.Target);
                    break;
                case UnwatchIt u:
                    Context.Unwatch(u.Target);
                    break;
                case Noted n:
                    // Signalled from inside the handler: a death reported before this point would be queued ahead of
                    // the test's later Unwatch, which is not the case under test.
                    entered.TrySetResult();
                    await gate.ConfigureAwait(false);
                    _seen.Add("noted " + n.Note);
                    break;
                case GetSeen get:
                    get.ReplyTo.Reply([.. _seen]);
                    break;
            }
        }

        protected override void OnTerminated(ActorRef actor) => _seen.Add("terminated " + actor.Path);
    }

    [Fact]
    public async Task The_default_OnTerminated_is_a_death_pact_that_stops_the_watcher()
    {
        var probe = CreateTestProbe<int>();
        var pact = System.Spawn(Worker.Props(_journal), "pact");
        var target = System.Spawn(Worker.Props(_journal), "target");
        probe.Watch(pact);
        pact.Tell(new Inspect(ctx => ctx.Watch(target)));

        target.Tell(new Quit());

        await probe.ExpectTerminatedAsync(pact);
        Assert.Equal(1, _journal.Count("pact created"));
    }
}
