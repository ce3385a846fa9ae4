using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class DeadLetterTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private readonly Journal _journal = new();

    [Fact]
    public async Task Messages_to_a_stopped_actor_are_counted_and_logged_as_dead_letters()
    {
        var logs = new CollectingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        await using var system = ActorSystem.Create("dead", new ActorSystemOptions { LoggerFactory = factory });
        var probe = system.CreateTestProbe<int>();
        var worker = system.Spawn(Worker.Props(_journal), "worker");
        probe.Watch(worker);
        worker.Tell(new Quit());
        await probe.ExpectTerminatedAsync(worker);

        for (var i = 0; i < 5; i++)
        {
            worker.Tell(new Incr());
        }

        Assert.Equal(5, system.DeadLetterCount);
        var entries = logs.Entries.Where(e => e.Level == LogLevel.Debug && e.Message.StartsWith("Dead letter", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, entries.Count);
        Assert.All(entries, e => Assert.Equal("Dead letter to /user/worker: Incr", e.Message));
    }

    [Fact]
    public async Task Messages_still_queued_when_an_actor_stops_become_dead_letters()
    {
        var gate = new TaskCompletionSource();
        var actor = System.Spawn(Props<int>.Create(() => new Slow(gate.Task)), "slow");

        actor.Tell(1);      // the handler waits on the gate
        actor.Tell(0);      // stop
        actor.Tell(2);      // never handled
        actor.Tell(3);
        gate.SetResult();
        await System.WhenIdleAsync();

        Assert.Equal(2, System.DeadLetterCount);
    }

    [Fact]
    public async Task Tell_to_a_stopped_actor_never_throws_and_a_live_actor_has_no_dead_letters()
    {
        var worker = System.Spawn(Worker.Props(_journal), "worker");
        worker.Tell(new Incr());
        Assert.Equal(1, await worker.CountAsync());
        Assert.Equal(0, System.DeadLetterCount);

        worker.Tell(new Quit());
        await System.WhenIdleAsync();
        var error = Record.Exception(() => worker.Tell(new Incr()));

        Assert.Null(error);
        Assert.Equal(1, System.DeadLetterCount);
    }

    private sealed class Slow(Task gate) : AsyncActor<int>
    {
        protected override async Task ReceiveAsync(int message)
        {
            if (message == 0)
            {
                Context.StopSelf();
                return;
            }

            await gate.ConfigureAwait(false);
        }
    }
}
