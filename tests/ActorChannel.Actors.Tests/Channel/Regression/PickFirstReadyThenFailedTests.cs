using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>
/// Found by <see cref="Scenarios.ReconnectLivenessPropertyTests"/>: pick_first's chosen subchannel went READY -> TRANSIENT_FAILURE
/// (its connection closed before the server's SETTINGS, which counts as a failed attempt) and the policy kept it as the
/// selected one. When its backoff ended, the IDLE was taken for a lost connection: the policy went lazy (waiting for
/// a call to ask it to exit IDLE) while sticky TRANSIENT_FAILURE kept the failure picker up, which never asks. With
/// one address nothing connected again, ever: TRANSIENT_FAILURE -> IDLE (backoff ended), then silence.
/// </summary>
public class PickFirstReadyThenFailedTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private int Attempts => Transports.TransportsTo(Addr(1)).Count;

    [Fact]
    public async Task A_selected_connection_that_fails_before_settings_is_retried_after_each_backoff()
    {
        Transports.Script(Addr(1), ConnectScript.SucceedWithoutSettings);
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Assert.Equal(S.Ready, channel.State);

        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal((S.Ready, S.TransientFailure), Steps(Transitions)[^1]);
        Assert.Equal(S.TransientFailure, channel.State);

        // The connection counted as failed attempt 1: backoffs of 1 s, then 1.6 s, 2.56 s, ... (no jitter here).
        double[] backoffs = [1, 1.6, 2.56, 4.096, 6.5536];
        for (int n = 0; n < backoffs.Length; n++)
        {
            await AdvanceAsync(TimeSpan.FromSeconds(backoffs[n]));
            Assert.True(n + 2 == Attempts, $"after backoff {n + 1}: {Attempts} attempts; last: {Steps(Transitions)[^1]}");
            Assert.Equal(S.TransientFailure, channel.State);
        }

        // The server comes back: the next attempt connects, no call needed.
        Transports.DefaultScript = ConnectScript.Succeed;
        await AdvanceAsync(TimeSpan.FromSeconds(11));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task With_other_addresses_the_failure_moves_on_to_the_next_one()
    {
        Transports.Script(Addr(1), ConnectScript.SucceedWithoutSettings);
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", Addrs(2));
        Assert.Equal(S.Ready, channel.State);
        Assert.Empty(Transports.TransportsTo(Addr(2)));

        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();

        // A failed attempt of the pass's current address: the pass goes on with the next one at once.
        Assert.Single(Transports.TransportsTo(Addr(2)));
        Assert.Equal(S.TransientFailure, channel.State);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Attempts);
        Assert.Equal(2, Transports.TransportsTo(Addr(2)).Count);

        Transports.DefaultScript = ConnectScript.Succeed;
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(S.Ready, channel.State);
    }
}
