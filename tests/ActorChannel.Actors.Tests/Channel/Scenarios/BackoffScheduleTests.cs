using ActorChannel.Client.Backoff;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>The reconnect schedule of one failing address, observed in virtual time (round_robin reconnects IDLE at once).</summary>
public class BackoffScheduleTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private int Attempts => Transports.TransportsTo(Addr(1)).Count;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public async Task Each_retry_waits_its_jittered_delay_up_to_the_cap(double random)
    {
        Random = () => random;
        Transports.DefaultScript = ConnectScript.Fail();
        await DialAsync("round_robin", [Addr(1)]);
        Assert.Equal(1, Attempts);
        var expected = new ExponentialBackoff(BackoffOptions.Default, () => random);
        for (int n = 0; n < 14; n++)
        {
            var delay = expected.Delay(n);
            var unjittered = expected.Unjittered(n);
            Assert.InRange(delay, unjittered * 0.8 - Ms, unjittered * 1.2 + Ms);
            Assert.True(unjittered <= TimeSpan.FromSeconds(120));
            await AdvanceAsync(delay - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.Equal(n + 2, Attempts);
        }

        Assert.Equal(TimeSpan.FromSeconds(120), expected.Unjittered(13));
    }

    [Fact]
    public async Task Varying_jitter_stays_within_twenty_percent_of_each_step()
    {
        var sequence = new Random(42);
        var draws = new List<double>();
        Random = () =>
        {
            var r = sequence.NextDouble();
            draws.Add(r);
            return r;
        };
        Transports.DefaultScript = ConnectScript.Fail();
        await DialAsync("round_robin", [Addr(1)]);
        var unjittered = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        for (int n = 0; n < 12; n++)
        {
            // The first delay is exactly INITIAL_BACKOFF (no draw); later ones use the latest draw.
            var delay = n == 0
                ? unjittered.Unjittered(0)
                : TimeSpan.FromTicks((long)(unjittered.Unjittered(n).Ticks * (1 + (0.2 * ((draws[^1] * 2) - 1)))));
            Assert.InRange(delay, unjittered.Unjittered(n) * 0.8, unjittered.Unjittered(n) * 1.2);
            await AdvanceAsync(delay - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.Equal(n + 2, Attempts);
        }
    }

    [Fact]
    public async Task Backoff_resets_after_ready()
    {
        Transports.Script(Addr(1), ConnectScript.Fail(), ConnectScript.Fail(), ConnectScript.Fail());
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        await AdvanceAsync(schedule.Delay(0));
        await AdvanceAsync(schedule.Delay(1));
        Assert.Equal(3, Attempts);
        await AdvanceAsync(schedule.Delay(2));
        Assert.Equal(S.Ready, channel.State);

        Transports.Script(Addr(1), ConnectScript.Fail(), ConnectScript.Fail());
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal(5, Attempts);
        await AdvanceAsync(TimeSpan.FromSeconds(1) - Ms);
        Assert.Equal(5, Attempts);
        await AdvanceAsync(Ms);
        Assert.Equal(6, Attempts);
    }

    [Fact]
    public async Task Connect_deadline_is_the_minimum_connect_timeout_while_backoff_is_shorter()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("round_robin", [Addr(1)]);
        await AdvanceAsync(TimeSpan.FromSeconds(20) - Ms);
        Assert.Equal(S.Connecting, channel.State);
        await AdvanceAsync(Ms);
        Assert.Contains(Transitions, t => t.To == S.TransientFailure && t.Reason.Contains("timed out"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task Connect_deadline_grows_with_the_backoff_beyond_the_minimum()
    {
        var options = Options("round_robin") with { Backoff = new BackoffOptions { InitialBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromSeconds(60) } };
        Transports.Script(Addr(1), ConnectScript.Hang);
        await DialAsync("round_robin", [Addr(1)], options: options);
        await AdvanceAsync(TimeSpan.FromSeconds(30) - Ms);
        Assert.DoesNotContain(Transitions, t => t.To == S.TransientFailure);
        await AdvanceAsync(Ms);
        Assert.Contains(Transitions, t => t.To == S.TransientFailure);
    }

    [Fact]
    public async Task A_connection_lost_before_the_servers_settings_counts_as_a_failure_and_keeps_backing_off()
    {
        Transports.DefaultScript = ConnectScript.SucceedWithoutSettings;
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var schedule = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(S.Ready, channel.State);
            Transports.Latest(Addr(1))!.Lose();
            await SettleAsync();
            Assert.Equal((S.Ready, S.TransientFailure), (Transitions[^1].From, Transitions[^1].To));
            await AdvanceAsync(schedule.Delay(n) - Ms);
            Assert.Equal(n + 1, Attempts);
            await AdvanceAsync(Ms);
            Assert.Equal(n + 2, Attempts);
        }

        // Once SETTINGS arrive the connection has proved usable: the next loss reconnects at once, backoff reset.
        Transports.Latest(Addr(1))!.ReceiveSettings();
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal(6, Attempts);
    }
}
