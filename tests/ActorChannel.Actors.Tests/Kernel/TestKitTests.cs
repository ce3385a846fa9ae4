using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>The test kit's own behaviour: virtual clock, probe expectations and their failure messages.</summary>
public sealed class TestKitTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private sealed record Ping(int N);

    [Fact]
    public async Task The_manual_clock_starts_at_2000_and_moves_only_when_advanced()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), clock.GetUtcNow());

        await clock.AdvanceAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 1, 30, TimeSpan.Zero), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), clock.GetElapsedTime(start));
    }

    [Fact]
    public async Task Manual_timers_fire_at_their_own_due_time_and_can_be_changed_or_disposed()
    {
        var clock = new ManualTimeProvider();
        var fired = new List<string>();
        using var once = clock.CreateTimer(_ => fired.Add($"once@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add($"periodic@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        var disposed = clock.CreateTimer(_ => fired.Add("disposed"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();

        await clock.AdvanceAsync(TimeSpan.FromSeconds(5));
        periodic.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        await clock.AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["periodic@01", "once@02", "periodic@04", "periodic@15"], fired);
    }

    [Fact]
    public async Task ExpectMsg_failure_names_what_arrived_instead()
    {
        var probe = CreateTestProbe<object>();
        probe.Ref.Tell(new Ping(7));

        var error = await Assert.ThrowsAsync<ProbeExpectationException>(() => probe.ExpectMsgAsync<string>());

        Assert.Contains("Expected a String", error.Message);
        Assert.Contains("Ping Ping { N = 7 }", error.Message);
    }

    [Fact]
    public async Task ExpectMsg_with_a_predicate_and_a_timeout_that_expires()
    {
        var probe = CreateTestProbe<Ping>();
        probe.Ref.Tell(new Ping(1));
        Assert.Equal(1, (await probe.ExpectMsgAsync<Ping>(p => p.N == 1)).N);

        var error = await Assert.ThrowsAsync<ProbeExpectationException>(() => probe.ExpectMsgAsync<Ping>(timeout: TimeSpan.FromMilliseconds(50)));
        Assert.Contains("nothing arrived", error.Message);
    }

    [Fact]
    public async Task FishForMessage_skips_others_and_ExpectNoMsg_fails_when_one_arrives()
    {
        var probe = CreateTestProbe<Ping>();
        for (var i = 0; i < 5; i++)
        {
            probe.Ref.Tell(new Ping(i));
        }

        Assert.Equal(3, (await probe.FishForMessageAsync<Ping>(p => p.N == 3)).N);
        var error = await Assert.ThrowsAsync<ProbeExpectationException>(() => probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(20)));
        Assert.Contains("Ping { N = 4 }", error.Message);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task ReceiveWhile_stops_at_the_first_mismatch_and_leaves_it_queued()
    {
        var probe = CreateTestProbe<Ping>();
        foreach (var n in new[] { 1, 2, 9, 3 })
        {
            probe.Ref.Tell(new Ping(n));
        }

        var small = await probe.ReceiveWhileAsync(p => p.N < 5);

        Assert.Equal([1, 2], small.Select(p => p.N));
        Assert.Equal(9, (await probe.ExpectMsgAsync<Ping>()).N);
        Assert.Single(await probe.ReceiveWhileAsync(_ => true, max: 1));
    }

    [Fact]
    public async Task ExpectTerminated_fails_clearly_when_the_target_lives_on()
    {
        var probe = CreateTestProbe<Ping>();
        var other = CreateTestProbe<Ping>();
        probe.Watch(other.Ref);

        var error = await Assert.ThrowsAsync<ProbeExpectationException>(
            () => probe.ExpectTerminatedAsync(other.Ref, TimeSpan.FromMilliseconds(50)));
        Assert.Contains($"Expected Terminated({other.Ref.Path})", error.Message);

        await other.DisposeAsync();
        await probe.ExpectTerminatedAsync(other.Ref);
    }
}
