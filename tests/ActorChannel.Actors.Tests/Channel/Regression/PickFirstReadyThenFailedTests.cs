using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

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

    [Fact]
    public async Task A_failed_selection_honours_both_backoffs_then_both_keep_retrying()
    {
        // The property test's find against a first version of the fix, which went on from the address after the failed
        // one: the first address was then tried on a fresh subchannel (its first attempt, so the aggregate said
        // CONNECTING) when the failed selection's backoff ended, and that IDLE was never connected. The first address
        // now keeps its subchannel, and its backoff, while the second is selected.
        Transports.Script(Addr(1), ConnectScript.Fail(), ConnectScript.Hang);
        Transports.Script(Addr(2), ConnectScript.SucceedWithoutSettings);
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", Addrs(2));
        Assert.Equal(S.Ready, channel.State);

        Transports.Latest(Addr(2))!.Lose();
        await SettleAsync();

        // Both addresses have just failed an attempt and are backing off (1 s, no jitter here): the new pass has
        // nothing it may try, so it has failed at once, and neither address is tried again before its backoff ends.
        // (This used to retry the first address at once, on a fresh subchannel that had lost its backoff.)
        Assert.Single(Transports.TransportsTo(Addr(1)));
        Assert.Single(Transports.TransportsTo(Addr(2)));
        await AdvanceAsync(TimeSpan.FromSeconds(0.9));
        Assert.Single(Transports.TransportsTo(Addr(1)));
        Assert.Single(Transports.TransportsTo(Addr(2)));

        // After a failed pass each address reconnects as its own backoff ends: the first hangs until its deadline
        // (20 s) while the second keeps failing on its own schedule (1, 2.6, 5.16, 9.26, 15.81 s).
        await AdvanceAsync(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, Transports.TransportsTo(Addr(1)).Count);
        Assert.Equal(2, Transports.TransportsTo(Addr(2)).Count);
        await AdvanceAsync(TimeSpan.FromSeconds(19));
        Assert.Equal(2, Transports.TransportsTo(Addr(1)).Count);
        Assert.Equal(6, Transports.TransportsTo(Addr(2)).Count);

        // Windows longer than the longest backoff (120 s + 20 %).
        for (int window = 0; window < 4; window++)
        {
            int before1 = Transports.TransportsTo(Addr(1)).Count, before2 = Transports.TransportsTo(Addr(2)).Count;
            await AdvanceAsync(TimeSpan.FromMinutes(2.5));
            Assert.True(Transports.TransportsTo(Addr(1)).Count > before1, $"window {window}: no attempt to {Addr(1)}");
            Assert.True(Transports.TransportsTo(Addr(2)).Count > before2, $"window {window}: no attempt to {Addr(2)}");
            Assert.Equal(S.TransientFailure, channel.State);
        }
    }
}
