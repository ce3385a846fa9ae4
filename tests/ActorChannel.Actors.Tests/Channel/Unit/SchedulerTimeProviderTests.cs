using ActorChannel.Client.Time;
using ActorChannel.TestKit;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Unit;

/// <summary>The TimeProvider over the actor system's scheduler: under the TestScheduler it moves only with Advance.</summary>
public class SchedulerTimeProviderTests(ITestOutputHelper output) : ChannelTestKit(output)
{
    private SchedulerTimeProvider Time => SchedulerTimeProvider.For(Sys);

    [Fact]
    public void Now_and_timestamps_follow_the_test_scheduler()
    {
        var time = Time;
        var start = time.GetTimestamp();
        Assert.Equal(Clock.Now, time.GetUtcNow());
        Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(Clock.Now, time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(7), time.GetElapsedTime(start));
    }

    [Fact]
    public void A_timer_fires_when_its_due_time_is_reached_and_not_before()
    {
        int fired = 0;
        using var timer = Time.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        Clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, fired);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_advanced()
    {
        int fired = 0;
        using var timer = Time.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        for (int n = 1; n <= 3; n++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(n, fired);
        }
    }

    [Fact]
    public void Change_moves_the_due_time_and_Dispose_stops_the_timer()
    {
        int fired = 0;
        var timer = Time.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        Assert.True(timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, fired);
        Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, fired);

        Assert.True(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task A_due_time_already_reached_fires_without_an_advance()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = Time.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_cancellation_deadline_on_this_clock_passes_only_when_advanced()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30), Time);
        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(deadline.IsCancellationRequested);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(deadline.IsCancellationRequested);
    }

    [Fact]
    public async Task On_the_real_scheduler_time_is_the_wall_clock_and_timers_fire()
    {
        using var system = ActorSystem.Create("real-time");
        var time = SchedulerTimeProvider.For(system);
        Assert.InRange(time.GetUtcNow(), DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        var start = time.GetTimestamp();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(time.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(40));
        await system.Terminate();
    }
}
