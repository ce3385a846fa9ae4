using ActorChannel.Client;
using ActorChannel.Client.Backoff;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>
/// The CI stall (`watch --target 127.0.0.1:1`: TRANSIENT_FAILURE -> IDLE after the second attempt, then no third one):
/// a single address whose connects always fail must get a new attempt as soon as each backoff ends, however the
/// resolver's re-reports of the same list (one per failed attempt, ResolveNow) interleave with the cycle.
/// </summary>
public class FailingAddressReconnectTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private int Attempts => Transports.TransportsTo(Addr(1)).Count;

    [Theory]
    [InlineData("pick_first", 0.0)]
    [InlineData("pick_first", 0.5)]
    [InlineData("pick_first", 0.999999)]
    [InlineData("round_robin", 0.0)]
    [InlineData("round_robin", 0.999999)]
    public async Task Each_backoff_end_starts_the_next_attempt_while_the_resolver_repeats_the_same_list(string policy, double random)
    {
        Random = () => random;
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync(policy, [Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => random);
        for (int n = 0; n < 30; n++)
        {
            Assert.Equal(n + 1, Attempts);
            Assert.Equal(S.TransientFailure, channel.State);

            // Every failed attempt asked for re-resolution, and the manual resolver answered with the same list.
            Assert.True(Resolver.ResolveCount >= n + 2, $"cycle {n}: {Resolver.ResolveCount} resolutions");

            var delay = schedule.Delay(n);
            await AdvanceAsync(delay - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.True(n + 2 == Attempts, $"cycle {n}: no attempt {n + 2} when the backoff of {delay} ended; last transitions: {Last(4)}");
        }

        // One subchannel the whole time (identical re-reports never replace it), cycling IDLE -> CONNECTING -> TF -> IDLE.
        Assert.Single(Transitions.Select(t => t.SubchannelId).Distinct());
        var steps = Steps(TransitionsOf(Addr(1)));
        Assert.Equal((S.Idle, S.Connecting), steps[0]);
        for (int i = 1; i < steps.Length; i++)
        {
            Assert.Equal(steps[i - 1].Item2, steps[i].Item1);
            Assert.Contains(steps[i], new[] { (S.Connecting, S.TransientFailure), (S.TransientFailure, S.Idle), (S.Idle, S.Connecting) });
        }
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task A_list_naming_the_address_twice_restarts_nothing_and_keeps_the_schedule(string policy)
    {
        // Never "the same list" (two entries, one subchannel), so every re-resolution is applied as a change:
        // pick_first starts a pass each time, which must neither stop the cycle nor add attempts to it.
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync(policy, [Addr(1), Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        for (int n = 0; n < 12; n++)
        {
            await AdvanceAsync(schedule.Delay(n) - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.True(n + 2 == Attempts, $"cycle {n}: no attempt after the backoff; last transitions: {Last(4)}");
            Assert.Equal(S.TransientFailure, channel.State);
        }

        Assert.Single(channel.GetSubchannels());
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task The_same_list_pushed_at_every_point_of_the_cycle_never_stops_the_reconnects(string policy)
    {
        Transports.DefaultScript = ConnectScript.Hang;
        var channel = await DialAsync(policy, [Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        for (int n = 0; n < 14; n++)
        {
            Assert.True(n + 1 == Attempts, $"cycle {n}: {Attempts} attempts; last transitions: {Last(4)}");

            // While CONNECTING.
            Resolver.Update([Addr(1)]);
            await SettleAsync();
            Transports.Latest(Addr(1))!.FailConnect();
            await SettleAsync();
            Assert.Equal(S.TransientFailure, channel.State);

            // While in TRANSIENT_FAILURE (backing off); a fail-fast call fails at once and starts nothing.
            Resolver.Update([Addr(1)]);
            await SettleAsync();
            await FailsWith(StatusCode.Unavailable, CallAsync(channel));
            Assert.Equal(n + 1, Attempts);

            // In flight while the backoff ends: the update and the subchannel's IDLE report race to the balancer.
            await AdvanceAsync(schedule.Delay(n) - Ms);
            Resolver.Update([Addr(1)]);
            await AdvanceAsync(Ms);
            Assert.True(n + 2 == Attempts, $"cycle {n}: no attempt after the backoff; last transitions: {Last(4)}");

            // Right after the new attempt started.
            Resolver.Update([Addr(1)]);
            await SettleAsync();
        }

        Assert.Single(Transitions.Select(t => t.SubchannelId).Distinct());
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task Attempts_ended_by_a_closed_connection_or_by_the_deadline_keep_cycling(string policy)
    {
        Transports.DefaultScript = ConnectScript.Hang;
        var channel = await DialAsync(policy, [Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        for (int n = 0; n < 14; n++)
        {
            var attempt = Transports.Latest(Addr(1))!;
            switch (n % 3)
            {
                case 0:
                    // The socket dies before the attempt's result: the Closed event comes first, ConnectFinished after.
                    attempt.Lose();
                    break;
                case 1:
                    attempt.ReceiveSettings();
                    attempt.GoAway();
                    await SettleAsync();
                    attempt.CompleteConnect();
                    break;
                default:
                    await AdvanceAsync(schedule.ConnectTimeout(schedule.Delay(n)));
                    break;
            }

            await SettleAsync();
            Assert.Equal(S.TransientFailure, channel.State);
            await AdvanceAsync(schedule.Delay(n) - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.True(n + 2 == Attempts, $"cycle {n}: no attempt after the backoff; last transitions: {Last(4)}");
        }
    }

    [Fact]
    public async Task Every_address_of_a_failed_pick_first_pass_reconnects_after_its_backoff_while_the_resolver_reorders_the_list()
    {
        var times = new List<(DateTimeOffset At, SubchannelTransition T)>();
        var options = Options() with { TransitionObserver = t => { lock (times) { times.Add((Clock.Now, t)); } } };
        Transports.DefaultScript = ConnectScript.Fail();
        var addresses = Addrs(3);
        var channel = await DialAsync("pick_first", addresses, options: options);
        for (int round = 0; round < 60; round++)
        {
            // A DNS server rotating its answers: every re-resolution may come back in another order.
            Resolver.Update(addresses.Skip(round % 3).Concat(addresses.Take(round % 3)).ToArray());
            await AdvanceAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(S.TransientFailure, channel.State);
        }

        AssertEveryIdleEndsAtOnce(times);
        foreach (var a in addresses)
        {
            Assert.True(Transports.TransportsTo(a).Count >= 8, $"{a}: only {Transports.TransportsTo(a).Count} attempts in 300 s");
        }
    }

    /// <summary>After a failed pass nothing else is pending, so a subchannel whose backoff ended is connected at the same instant.</summary>
    private static void AssertEveryIdleEndsAtOnce(List<(DateTimeOffset At, SubchannelTransition T)> times)
    {
        foreach (var group in times.GroupBy(x => x.T.SubchannelId))
        {
            var list = group.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].T.To != S.Idle || i == 0)
                {
                    continue;
                }

                Assert.True(i + 1 < list.Count, $"subchannel {group.Key} stayed IDLE from {list[i].At:HH:mm:ss.fff}");
                Assert.True(list[i + 1].At == list[i].At && list[i + 1].T.To == S.Connecting, $"subchannel {group.Key}: IDLE at {list[i].At:HH:mm:ss.fff}, then {list[i + 1].T.To} at {list[i + 1].At:HH:mm:ss.fff}");
            }
        }
    }

    private string Last(int n) => string.Join("; ", Transitions.TakeLast(n).Select(t => $"{t.From}->{t.To} ({t.Reason})"));
}
