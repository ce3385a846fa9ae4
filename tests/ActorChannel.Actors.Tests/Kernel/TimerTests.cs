using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>Timers in virtual time: every step is an explicit Advance, so nothing here depends on real time.</summary>
public sealed class TimerTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private abstract record Timed;

    private sealed record Tick(string Label) : Timed;

    private sealed record Do(Action<IActorContext<Timed>> Action) : Timed;

    private sealed record Crash : Timed;

    /// <summary>Forwards every Tick (with the virtual time it arrived) to the probe.</summary>
    private sealed class Ticker(ActorRef<string> probe) : Actor<Timed>
    {
        protected override void Receive(Timed message)
        {
            switch (message)
            {
                case Tick tick:
                    probe.Tell($"{tick.Label}@{Context.System.TimeProvider.GetUtcNow():HH:mm:ss.fff}");
                    break;
                case Do d:
                    d.Action(Context);
                    break;
                case Crash:
                    throw new InvalidOperationException("crash");
            }
        }
    }

    private (ActorRef<Timed> Ticker, TestProbe<string> Probe) Spawn()
    {
        var probe = CreateTestProbe<string>();
        return (System.Spawn(Props<Timed>.Create(() => new Ticker(probe.Ref)), "ticker"), probe);
    }

    private static async Task<IReadOnlyList<string>> Drain(TestProbe<string> probe) => await probe.ReceiveWhileAsync(_ => true);

    [Fact]
    public async Task A_single_timer_fires_once_at_its_due_time()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx => ctx.Timers.StartSingleTimer("k", new Tick("once"), TimeSpan.FromSeconds(5))));

        await Clock.AdvanceAsync(TimeSpan.FromMilliseconds(4999));
        Assert.Empty(await Drain(probe));
        await Clock.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["once@00:00:05.000"], await Drain(probe));
        await Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Empty(await Drain(probe));
    }

    [Fact]
    public async Task A_periodic_timer_fires_every_interval_until_cancelled()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx => ctx.Timers.StartPeriodicTimer("k", new Tick("p"), TimeSpan.FromSeconds(1))));

        await Clock.AdvanceAsync(TimeSpan.FromMilliseconds(3500));
        Assert.Equal(["p@00:00:01.000", "p@00:00:02.000", "p@00:00:03.000"], await Drain(probe));

        ticker.Tell(new Do(ctx => ctx.Timers.Cancel("k")));
        await Clock.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(await Drain(probe));
    }

    [Fact]
    public async Task A_cancelled_timer_never_fires_and_is_no_longer_active()
    {
        var (ticker, probe) = Spawn();
        var active = new List<bool>();
        ticker.Tell(new Do(ctx =>
        {
            ctx.Timers.StartSingleTimer("k", new Tick("x"), TimeSpan.FromSeconds(1));
            active.Add(ctx.Timers.IsTimerActive("k"));
            ctx.Timers.Cancel("k");
            active.Add(ctx.Timers.IsTimerActive("k"));
        }));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(await Drain(probe));
        Assert.Equal([true, false], active);
    }

    [Fact]
    public async Task Starting_an_existing_key_replaces_the_timer()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx => ctx.Timers.StartSingleTimer("k", new Tick("old"), TimeSpan.FromSeconds(1))));
        ticker.Tell(new Do(ctx => ctx.Timers.StartSingleTimer("k", new Tick("new"), TimeSpan.FromSeconds(2))));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(["new@00:00:02.000"], await Drain(probe));
    }

    [Fact]
    public async Task CancelAll_cancels_every_key()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx =>
        {
            ctx.Timers.StartSingleTimer("a", new Tick("a"), TimeSpan.FromSeconds(1));
            ctx.Timers.StartPeriodicTimer("b", new Tick("b"), TimeSpan.FromSeconds(1));
            ctx.Timers.CancelAll();
        }));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(await Drain(probe));
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_restarts_or_stops()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx => ctx.Timers.StartPeriodicTimer("k", new Tick("before-restart"), TimeSpan.FromSeconds(1))));
        ticker.Tell(new Crash());
        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(await Drain(probe));

        ticker.Tell(new Do(ctx =>
        {
            ctx.Timers.StartPeriodicTimer("k", new Tick("before-stop"), TimeSpan.FromSeconds(1));
            ctx.StopSelf();
        }));
        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(await Drain(probe));
    }

    [Fact]
    public async Task A_restarted_timer_never_delivers_the_stale_message_already_queued()
    {
        // A clock that is not attached can be advanced from inside the actor: the old timer fires while the
        // handler runs, so its message is already in the mailbox when the timer is restarted.
        var clock = new ManualTimeProvider();
        await using var system = ActorSystem.Create("stale", new ActorSystemOptions { TimeProvider = clock, LoggerFactory = LoggerFactory });
        var probe = system.CreateTestProbe<string>();
        var ticker = system.Spawn(Props<Timed>.Create(() => new Ticker(probe.Ref)), "ticker");
        ticker.Tell(new Do(ctx => ctx.Timers.StartSingleTimer("k", new Tick("stale"), TimeSpan.FromSeconds(1))));
        ticker.Tell(new Do(ctx =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));   // fires: Tick("stale") is queued behind this handler
            ctx.Timers.StartSingleTimer("k", new Tick("fresh"), TimeSpan.FromSeconds(1));
        }));
        ticker.Tell(new Do(ctx =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));   // a periodic one fires, then gets cancelled while queued
            ctx.Timers.StartPeriodicTimer("p", new Tick("stale-periodic"), TimeSpan.FromSeconds(1));
        }));
        ticker.Tell(new Do(ctx =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            ctx.Timers.Cancel("p");
        }));
        ticker.Tell(new Do(_ => probe.Ref.Tell("end")));
        await system.WhenIdleAsync();

        var received = await probe.ReceiveWhileAsync(_ => true);
        // The fresh tick fired at 2 s, behind the messages already queued, and was handled last (clock at 3 s by then).
        Assert.Equal(["end", "fresh@00:00:03.000"], received);
    }

    [Fact]
    public async Task Timers_fire_in_due_time_order_each_at_its_own_time()
    {
        var (ticker, probe) = Spawn();
        ticker.Tell(new Do(ctx =>
        {
            ctx.Timers.StartSingleTimer("c", new Tick("c"), TimeSpan.FromSeconds(3));
            ctx.Timers.StartSingleTimer("a", new Tick("a"), TimeSpan.FromSeconds(1));
            ctx.Timers.StartPeriodicTimer("b", new Tick("b"), TimeSpan.FromSeconds(2));
        }));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(4));

        Assert.Equal(["a@00:00:01.000", "b@00:00:02.000", "c@00:00:03.000", "b@00:00:04.000"], await Drain(probe));
    }
}
