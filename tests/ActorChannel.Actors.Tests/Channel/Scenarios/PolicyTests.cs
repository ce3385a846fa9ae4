using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

public class PolicyTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task Pick_first_falls_through_three_addresses_in_order()
    {
        AnswerWithAddress();
        Transports.Script(Addr(1), ConnectScript.Fail("refused 1"));
        Transports.Script(Addr(2), ConnectScript.Fail("refused 2"));
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Equal([Addr(1), Addr(2), Addr(3)], Transports.Transports.Select(t => t.Address));
        Assert.Equal(S.Ready, channel.State);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(Addr(3).ToString(), await CallAsync(channel));
        }
    }

    [Fact]
    public async Task Pick_first_tries_the_next_address_only_after_the_previous_failed()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Single(Transports.Transports);
        Assert.Equal(S.Connecting, channel.State);
        Transports.Latest(Addr(1))!.FailConnect();
        await SettleAsync();
        Assert.Equal(2, Transports.Transports.Count);
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task Pick_first_failed_pass_is_sticky_transient_failure_until_ready()
    {
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Equal(S.TransientFailure, channel.State);
        var states = new List<S>();
        for (int i = 0; i < 5; i++)
        {
            await AdvanceAsync(TimeSpan.FromSeconds(1));
            states.Add(channel.State);
        }

        Assert.All(states, s => Assert.Equal(S.TransientFailure, s));
        Assert.Contains(Transitions, t => t.From == S.TransientFailure && t.To == S.Idle);
        Transports.DefaultScript = ConnectScript.Succeed;
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task Pick_first_goes_idle_on_loss_and_the_next_call_reconnects()
    {
        AnswerWithAddress();
        var channel = await DialAsync("pick_first", Addrs(2));
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal(S.Idle, channel.State);
        int before = Transports.Transports.Count;
        await AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(before, Transports.Transports.Count);

        var call = CallAsync(channel);
        Assert.Equal(Addr(1).ToString(), await call);
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(before + 1, Transports.Transports.Count);
    }

    [Fact]
    public async Task Round_robin_spreads_3000_calls_exactly_evenly_over_3_ready_subchannels()
    {
        var channel = await DialAsync("round_robin", Addrs(3));
        Assert.Equal(S.Ready, channel.State);
        for (int i = 0; i < 3000; i++)
        {
            await CallAsync(channel);
        }

        Assert.All(Addrs(3), a => Assert.Equal(1000, Transports.Latest(a)!.Calls.Count));
    }

    [Fact]
    public async Task Round_robin_reconnects_an_idle_subchannel_at_once_and_skips_it_meanwhile()
    {
        AnswerWithAddress();
        Transports.Script(Addr(2), ConnectScript.Succeed, ConnectScript.Hang);
        var channel = await DialAsync("round_robin", Addrs(3));
        Transports.Latest(Addr(2))!.Lose();
        await SettleAsync();
        Assert.Equal(2, Transports.TransportsTo(Addr(2)).Count);
        var answers = new HashSet<string>();
        for (int i = 0; i < 10; i++)
        {
            answers.Add(await CallAsync(channel));
        }

        Assert.Equal(new HashSet<string> { Addr(1).ToString(), Addr(3).ToString() }, answers);
        Transports.Latest(Addr(2))!.CompleteConnect();
        await SettleAsync();
        for (int i = 0; i < 10; i++)
        {
            answers.Add(await CallAsync(channel));
        }

        Assert.Contains(Addr(2).ToString(), answers);
    }

    [Fact]
    public async Task Address_updates_add_and_remove_subchannels()
    {
        AnswerWithAddress();
        var channel = await DialAsync("round_robin", Addrs(3));
        var removed = Transports.Latest(Addr(1))!;
        Resolver.Update([Addr(2), Addr(3), Addr(4)]);
        await SettleAsync();

        Assert.True(removed.IsClosed);
        Assert.Equal(S.Shutdown, TransitionsOf(Addr(1)).Last().To);
        Assert.Equal([Addr(2), Addr(3), Addr(4)], channel.GetSubchannels().Select(s => s.Address).Order(Comparer<TransportAddress>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))));
        Assert.All(channel.GetSubchannels(), s => Assert.Equal(S.Ready, s.State));
        Assert.Single(Transports.TransportsTo(Addr(2)));
        Assert.Equal(S.Ready, TransitionsOf(Addr(4)).Last().To);
        var answers = new HashSet<string>();
        for (int i = 0; i < 30; i++)
        {
            answers.Add(await CallAsync(channel));
        }

        Assert.Equal(new HashSet<string> { Addr(2).ToString(), Addr(3).ToString(), Addr(4).ToString() }, answers);
    }

    [Fact]
    public async Task An_update_with_10000_addresses_makes_10000_subchannels_and_shrinking_it_shuts_them_down()
    {
        var addresses = Enumerable.Range(0, 10_000).Select(i => TransportAddress.Tcp("10.0." + (i / 250) + "." + (i % 250), 443)).ToArray();
        var channel = await DialAsync("round_robin", addresses);
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(10_000, Transports.Transports.Count);
        Assert.Equal(10_000, Transitions.Count(t => t.To == S.Ready));

        Resolver.Update(addresses[..10]);
        await SettleAsync();
        Assert.Equal(9_990, Transitions.Count(t => t.To == S.Shutdown));
        Assert.Equal(9_990, Transports.Transports.Count(t => t.IsClosed));
        for (int i = 0; i < 100; i++)
        {
            await CallAsync(channel);
        }

        Assert.All(addresses[..10], a => Assert.Equal(10, Transports.Latest(a)!.Calls.Count));
    }

    [Fact]
    public async Task Service_config_from_the_resolver_switches_policy_and_a_bad_one_keeps_the_last_good()
    {
        AnswerWithAddress();
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Single(Transports.Transports);
        Resolver.Update(Addrs(3), """{"loadBalancingConfig":[{"round_robin":{}}]}""");
        await SettleAsync();
        var answers = new HashSet<string>();
        for (int i = 0; i < 9; i++)
        {
            answers.Add(await CallAsync(channel));
        }

        Assert.Equal(3, answers.Count);
        int transports = Transports.Transports.Count;
        Resolver.Update(Addrs(3), """{"loadBalancingConfig":[{"no_such_policy":{}}]}""");
        await SettleAsync();
        Assert.Equal(transports, Transports.Transports.Count);
        Assert.Equal(S.Ready, channel.State);
    }
}
