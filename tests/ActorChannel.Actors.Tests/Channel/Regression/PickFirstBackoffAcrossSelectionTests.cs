using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>
/// Found by review: two addresses that both accept the connection and close it before SETTINGS (a user transport
/// whose ConnectAsync completes before the handshake). Each READY made pick_first replace the other address's
/// subchannel, in TRANSIENT_FAILURE and backing off, by a fresh one without backoff; the READY -> TRANSIENT_FAILURE
/// pass then connected that fresh one at once: A, B, A, B ... 21 attempts while virtual time stood still.
/// </summary>
public class PickFirstBackoffAcrossSelectionTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private readonly Dictionary<TransportAddress, DateTimeOffset> _failedAt = new();
    private readonly List<string> _early = new();

    [Fact]
    public async Task Addresses_closing_before_settings_are_not_retried_before_their_backoff_ends()
    {
        // Every attempt connects and is then lost before SETTINGS, a failed attempt: no attempt to an address may
        // start less than its first backoff (1 s, no jitter here) after its last failure.
        Transports.DefaultScript = ConnectScript.SucceedWithoutSettings;
        Transports.Created += t =>
        {
            lock (_early)
            {
                if (_failedAt.TryGetValue(t.Address, out var failed) && Clock.Now - failed < TimeSpan.FromSeconds(1))
                {
                    _early.Add($"{t.Address} retried {(Clock.Now - failed).TotalSeconds} s after its failure");
                }
            }
        };
        var channel = await DialAsync("pick_first", Addrs(2));
        Assert.Equal(S.Ready, channel.State);

        var start = Clock.Now;
        await LoseEveryLiveConnectionAsync();
        Assert.Equal(start, Clock.Now);

        // Each address had one attempt, which failed: both are backing off, nothing more is tried at t = 0.
        Assert.Single(Transports.TransportsTo(Addr(1)));
        Assert.Single(Transports.TransportsTo(Addr(2)));
        Assert.Equal(S.TransientFailure, channel.State);

        // Time moves on: attempts resume as the backoffs end, round after round.
        for (int round = 1; round <= 5; round++)
        {
            int before = Transports.Transports.Count;
            await AdvanceAsync(TimeSpan.FromSeconds(30));
            Assert.True(Transports.Transports.Count > before, $"round {round}: no attempt within 30 s");
            await LoseEveryLiveConnectionAsync();
        }

        Assert.True(Transports.TransportsTo(Addr(1)).Count > 2, $"{Transports.TransportsTo(Addr(1)).Count} attempts to {Addr(1)}");
        Assert.True(Transports.TransportsTo(Addr(2)).Count > 2, $"{Transports.TransportsTo(Addr(2)).Count} attempts to {Addr(2)}");
        lock (_early)
        {
            Assert.True(_early.Count == 0, string.Join("\n", _early));
        }
    }

    [Fact]
    public async Task A_kept_backing_off_subchannel_does_not_hide_the_idle_picker_when_the_selection_goes()
    {
        // Found by the liveness property against the first version of the fix: the first address, kept in its
        // backoff while the second was selected, still counted as TRANSIENT_FAILURE after its backoff ended; with the
        // selection lost and removed, the channel showed a failure picker that never asks the idle policy to connect.
        Transports.Script(Addr(1), ConnectScript.Fail());
        var channel = await DialAsync("pick_first", Addrs(2));
        Assert.Equal(S.Ready, channel.State);

        // The connection is lost first (pick_first goes idle), then its address goes: in this order, not racing.
        Transports.Latest(Addr(2))!.Lose();
        await SettleAsync();
        Assert.Equal(S.Idle, channel.State);
        Resolver.Update([Addr(1)]);
        await SettleAsync();
        Assert.Equal(S.TransientFailure, channel.State); // the only address left is backing off

        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(S.Idle, channel.State);
        Assert.Single(Transports.TransportsTo(Addr(1)));

        var call = CallAsync(channel, waitForReady: true);
        await SettleAsync();
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(2, Transports.TransportsTo(Addr(1)).Count);
        await call;
    }

    private async Task LoseEveryLiveConnectionAsync()
    {
        for (int i = 0; i < 20; i++)
        {
            var live = Transports.Transports.LastOrDefault(t => t.IsConnected && !t.IsClosed);
            if (live is null)
            {
                return;
            }

            lock (_early)
            {
                _failedAt[live.Address] = Clock.Now;
            }

            live.Lose();
            await SettleAsync();
        }

        Assert.Fail("20 connections lost without any time passing: a reconnect storm");
    }
}
