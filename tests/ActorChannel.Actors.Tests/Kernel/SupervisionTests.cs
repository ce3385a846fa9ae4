using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class SupervisionTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private readonly Journal _journal = new();

    private async Task<ActorRef<Cmd>> SpawnChildUnder(SupervisorStrategy strategy)
    {
        var parent = System.Spawn(
            Worker.Props(_journal, _ => Worker.Props(_journal)).WithSupervisorStrategy(strategy), "parent");
        return await parent.SpawnChildAsync("child");
    }

    [Fact]
    public async Task Restart_makes_a_fresh_instance_and_keeps_the_mailbox()
    {
        var child = await SpawnChildUnder(SupervisorStrategy.Default);

        child.Tell(new Incr());
        child.Tell(new Incr());
        child.Tell(new Crash("bad input"));
        child.Tell(new Incr());

        Assert.Equal(1, await child.CountAsync());
        Assert.Equal(2, _journal.Count("child created"));
        Assert.Contains("child PreRestart bad input Crash", _journal.Entries);
        Assert.Contains("child PostRestart bad input", _journal.Entries);
        Assert.Equal(0, _journal.Count("child PostStop"));
    }

    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state()
    {
        var child = await SpawnChildUnder(SupervisorStrategy.OneForOne(decider: _ => Directive.Resume));

        child.Tell(new Incr());
        child.Tell(new Crash("ignored"));
        child.Tell(new Incr());

        Assert.Equal(2, await child.CountAsync());
        Assert.Equal(1, _journal.Count("child created"));
    }

    [Fact]
    public async Task Stop_stops_the_child_and_later_messages_are_dead_letters()
    {
        var probe = CreateTestProbe<int>();
        var child = await SpawnChildUnder(SupervisorStrategy.StoppingStrategy);
        probe.Watch(child);

        child.Tell(new Crash("fatal"));
        await probe.ExpectTerminatedAsync(child);
        var before = System.DeadLetterCount;
        child.Tell(new Incr());

        Assert.Equal(before + 1, System.DeadLetterCount);
        Assert.Equal(1, _journal.Count("child PostStop"));
    }

    [Fact]
    public async Task Escalate_fails_the_parent_whose_supervisor_restarts_it_with_new_children()
    {
        var escalating = SupervisorStrategy.OneForOne(decider: _ => Directive.Escalate);
        var top = System.Spawn(
            Worker.Props(_journal, _ => Worker.Props(_journal, _ => Worker.Props(_journal), ["child"], escalating), ["mid"]),
            "top");
        var mid = await top.ChildAsync("mid");
        var child = await mid.ChildAsync("child");

        child.Tell(new Crash("deep"));
        await System.WhenIdleAsync();

        Assert.Equal(2, _journal.Count("mid created"));
        Assert.Contains("mid PreRestart deep Crash", _journal.Entries);
        Assert.Equal(2, _journal.Count("child created"));
        Assert.Equal(1, _journal.Count("child PostStop"));
        Assert.Equal(1, _journal.Count("top created"));
        var newChild = await mid.ChildAsync("child");
        Assert.NotEqual(child, newChild);
        Assert.Equal(0, await newChild.CountAsync());
    }

    [Fact]
    public async Task The_restart_limit_stops_the_child_once_exceeded_within_the_window()
    {
        var probe = CreateTestProbe<int>();
        var child = await SpawnChildUnder(SupervisorStrategy.OneForOne(maxRestarts: 2, within: TimeSpan.FromMinutes(1)));
        probe.Watch(child);

        child.Tell(new Crash("1"));
        child.Tell(new Crash("2"));
        await System.WhenIdleAsync();
        Assert.Equal(3, _journal.Count("child created"));

        child.Tell(new Crash("3"));
        await probe.ExpectTerminatedAsync(child);
        Assert.Equal(3, _journal.Count("child created"));
        Assert.Equal(1, _journal.Count("child PostStop"));
    }

    [Fact]
    public async Task Restarts_outside_the_window_do_not_count_towards_the_limit()
    {
        var child = await SpawnChildUnder(SupervisorStrategy.OneForOne(maxRestarts: 2, within: TimeSpan.FromMinutes(1)));

        child.Tell(new Crash("1"));
        child.Tell(new Crash("2"));
        await Clock.AdvanceAsync(TimeSpan.FromMinutes(2));
        child.Tell(new Crash("3"));
        child.Tell(new Crash("4"));
        child.Tell(new Incr());

        Assert.Equal(1, await child.CountAsync());
        Assert.Equal(5, _journal.Count("child created"));
        Assert.Equal(0, _journal.Count("child PostStop"));
    }

    [Fact]
    public async Task A_failing_PreStart_is_supervised_like_a_failing_handler()
    {
        var attempts = 0;
        var actor = System.Spawn(Props<Cmd>.Create(() => new FlakyStarter(() => ++attempts)), "flaky");

        Assert.Equal(0, await actor.CountAsync());
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task The_actors_own_strategy_applies_when_props_set_none_and_props_win_otherwise()
    {
        var own = System.Spawn(
            Worker.Props(_journal, _ => Worker.Props(_journal), strategy: SupervisorStrategy.OneForOne(decider: _ => Directive.Resume)), "own");
        var ownChild = await own.SpawnChildAsync("child");
        ownChild.Tell(new Incr());
        ownChild.Tell(new Crash("x"));
        Assert.Equal(1, await ownChild.CountAsync());

        var overridden = System.Spawn(
            Worker.Props(_journal, _ => Worker.Props(_journal), strategy: SupervisorStrategy.OneForOne(decider: _ => Directive.Resume))
                .WithSupervisorStrategy(SupervisorStrategy.Default), "overridden");
        var restartedChild = await overridden.SpawnChildAsync("child");
        restartedChild.Tell(new Incr());
        restartedChild.Tell(new Crash("x"));
        Assert.Equal(0, await restartedChild.CountAsync());
    }

    [Fact]
    public async Task A_failure_is_logged_with_the_actor_path_and_the_message_type()
    {
        var logs = new CollectingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        await using var system = ActorSystem.Create("logged", new ActorSystemOptions { LoggerFactory = factory });
        var worker = system.Spawn(Worker.Props(_journal), "worker");

        worker.Tell(new Crash("oops"));
        await system.WhenIdleAsync();

        var failure = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("Actor /user/worker failed while handling Crash", failure.Message);
        Assert.Equal("oops", failure.Exception?.Message);
    }

    private sealed class FlakyStarter(Func<int> attempt) : Actor<Cmd>
    {
        protected override void PreStart()
        {
            if (attempt() == 1)
            {
                throw new InvalidOperationException("first start fails");
            }
        }

        protected override void Receive(Cmd message)
        {
            if (message is GetCount get)
            {
                get.ReplyTo.Reply(0);
            }
        }
    }
}
