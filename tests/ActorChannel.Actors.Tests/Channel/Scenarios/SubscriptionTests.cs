using ActorChannel.Client;
using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>User actors subscribed to the channel's state changes and subchannel transitions, as their own messages.</summary>
public class SubscriptionTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    /// <summary>A user actor's own protocol: what it receives from the channel.</summary>
    public abstract record Watched;

    public sealed record SubchannelMoved(SubchannelTransition Transition) : Watched;

    public sealed record ChannelMoved(S Previous, S Current) : Watched;

    [Fact]
    public async Task A_subscriber_receives_every_subchannel_transition_as_its_own_message()
    {
        var channel = await DialAsync("round_robin", addresses: null);
        var probe = CreateTestProbe<Watched>();
        channel.SubscribeSubchannelTransitions(probe.Ref, t => new SubchannelMoved(t));
        await SettleAsync();

        Transports.Script(Addr(2), ConnectScript.Fail("refused"));
        Resolver.Update([Addr(1), Addr(2)]);
        await SettleAsync();
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        // Everything the options' observer saw, the subscriber received too, field for field and in order per subchannel.
        var expected = Transitions;
        var received = await probe.ReceiveWhileAsync(_ => true, TimeSpan.FromMilliseconds(300), max: expected.Count);
        var got = received.Cast<SubchannelMoved>().Select(m => m.Transition).ToArray();
        Assert.Equal(expected.Count, got.Length);
        foreach (var id in expected.Select(t => t.SubchannelId).Distinct())
        {
            Assert.Equal(expected.Where(t => t.SubchannelId == id), got.Where(t => t.SubchannelId == id));
        }

        Assert.All(got, t => Assert.Equal(channel.Id, t.ChannelId));
        Assert.Contains(got, t => t.Address == Addr(1) && (t.From, t.To) == (S.Ready, S.Idle) && t.Reason.StartsWith("connection lost", StringComparison.Ordinal));
        Assert.Contains(got, t => t.Address == Addr(2) && (t.From, t.To) == (S.Connecting, S.TransientFailure) && t.Reason.Contains("refused", StringComparison.Ordinal));
        Assert.Contains(got, t => t.Address == Addr(2) && (t.From, t.To) == (S.TransientFailure, S.Idle));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Unsubscribing_stops_the_transitions_but_not_the_state_messages()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe<Watched>();
        channel.SubscribeSubchannelTransitions(probe.Ref, t => new SubchannelMoved(t));
        channel.SubscribeState(probe.Ref, (previous, current) => new ChannelMoved(previous, current));
        await probe.ExpectMsgAsync<ChannelMoved>(m => m == new ChannelMoved(S.Connecting, S.Ready));
        Assert.Equal(1, channel.Runtime.TransitionSubscriberCount);

        channel.UnsubscribeSubchannelTransitions(probe.Ref);
        await SettleAsync();
        Assert.Equal(0, channel.Runtime.TransitionSubscriberCount);
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        await probe.ExpectMsgAsync<ChannelMoved>(m => m == new ChannelMoved(S.Ready, S.Idle));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task State_messages_carry_the_previous_state()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var probe = CreateTestProbe<Watched>();
        channel.SubscribeState(probe.Ref, (previous, current) => new ChannelMoved(previous, current));

        // The first message is the latest change, so a late subscriber still learns where the channel came from.
        await probe.ExpectMsgAsync<ChannelMoved>(m => m == new ChannelMoved(S.Idle, S.Connecting));
        await SettleAsync();
        Transports.Latest(Addr(1))!.CompleteConnect();
        await probe.ExpectMsgAsync<ChannelMoved>(m => m == new ChannelMoved(S.Connecting, S.Ready));
        await channel.DisposeAsync();
        await probe.ExpectMsgAsync<ChannelMoved>(m => m == new ChannelMoved(S.Ready, S.Shutdown));
    }

    [Fact]
    public async Task A_subscriber_that_stops_is_dropped_by_death_watch()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe<Watched>();
        var subscriber = System.Spawn(Props<Watched>.Create(() => new Forwarder(probe.Ref)), "subscriber");
        channel.SubscribeSubchannelTransitions(subscriber, t => new SubchannelMoved(t));
        channel.SubscribeState(subscriber, (previous, current) => new ChannelMoved(previous, current));
        await probe.ExpectMsgAsync<ChannelMoved>();
        Transports.Latest(Addr(1))!.Lose();
        await probe.FishForMessageAsync<SubchannelMoved>(m => m.Transition.To == S.Idle);
        Assert.Equal(1, channel.Runtime.TransitionSubscriberCount);

        subscriber.Tell(new StopForwarder());
        await SettleAsync();
        Assert.Equal(0, channel.Runtime.TransitionSubscriberCount);
        long deadLetters = System.DeadLetterCount;
        await channel.ConnectAsync();
        await SettleAsync();
        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(deadLetters, System.DeadLetterCount);
    }

    [Fact]
    public async Task A_message_factory_that_throws_does_not_break_the_channel()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe<Watched>();
        channel.SubscribeSubchannelTransitions<Watched>(probe.Ref, _ => throw new InvalidOperationException("bad factory"));
        channel.SubscribeState<Watched>(probe.Ref, (_, _) => throw new InvalidOperationException("bad factory"));
        await SettleAsync();
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        AnswerWithAddress();
        Assert.Equal(Addr(1).ToString(), await CallAsync(channel, waitForReady: true));
        Assert.Equal(S.Ready, channel.State);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    private sealed record StopForwarder : Watched;

    private sealed class Forwarder(ActorRef<Watched> to) : Actor<Watched>
    {
        protected override void Receive(Watched message)
        {
            if (message is StopForwarder)
            {
                Context.StopSelf();
                return;
            }

            to.Tell(message);
        }
    }
}
