using ActorChannel.Client;
using ActorChannel.TestKit;
using Akka.Actor;
using Akka.Event;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>User actors subscribed to the channel's state changes and subchannel transitions, as messages.</summary>
public class SubscriptionTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task A_subscriber_receives_every_subchannel_transition_as_a_message()
    {
        var channel = await DialAsync("round_robin", addresses: null);
        var probe = CreateTestProbe();
        channel.SubscribeSubchannelTransitions(probe.Ref);
        await SettleAsync();

        Transports.Script(Addr(2), ConnectScript.Fail("refused"));
        Resolver.Update([Addr(1), Addr(2)]);
        await SettleAsync();
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        // Everything the options' observer saw, the subscriber received too, field for field and in order per subchannel.
        var expected = Transitions;
        var got = probe.ReceiveN(expected.Count, TimeSpan.FromSeconds(3)).Cast<SubchannelTransition>().ToArray();
        Assert.Equal(expected.Count, got.Length);
        foreach (var id in expected.Select(t => t.SubchannelId).Distinct())
        {
            Assert.Equal(expected.Where(t => t.SubchannelId == id), got.Where(t => t.SubchannelId == id));
        }

        Assert.All(got, t => Assert.Equal(channel.Id, t.ChannelId));
        Assert.Contains(got, t => t.Address == Addr(1) && (t.From, t.To) == (S.Ready, S.Idle) && t.Reason.StartsWith("connection lost", StringComparison.Ordinal));
        Assert.Contains(got, t => t.Address == Addr(2) && (t.From, t.To) == (S.Connecting, S.TransientFailure) && t.Reason.Contains("refused", StringComparison.Ordinal));
        Assert.Contains(got, t => t.Address == Addr(2) && (t.From, t.To) == (S.TransientFailure, S.Idle));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Unsubscribing_stops_the_transitions_but_not_the_state_messages()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe();
        channel.SubscribeSubchannelTransitions(probe.Ref);
        channel.SubscribeState(probe.Ref);
        probe.FishForMessage<ChannelStateChanged>(m => m == new ChannelStateChanged(S.Connecting, S.Ready));
        Assert.Equal(1, channel.Runtime.TransitionSubscriberCount);

        channel.UnsubscribeSubchannelTransitions(probe.Ref);
        await SettleAsync();
        Assert.Equal(0, channel.Runtime.TransitionSubscriberCount);
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        probe.ExpectMsg(new ChannelStateChanged(S.Ready, S.Idle));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task State_messages_carry_the_previous_state()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var probe = CreateTestProbe();
        channel.SubscribeState(probe.Ref);

        // The first message is the latest change, so a late subscriber still learns where the channel came from.
        probe.ExpectMsg(new ChannelStateChanged(S.Idle, S.Connecting));
        await SettleAsync();
        Transports.Latest(Addr(1))!.CompleteConnect();
        probe.ExpectMsg(new ChannelStateChanged(S.Connecting, S.Ready));
        await channel.DisposeAsync();
        probe.ExpectMsg(new ChannelStateChanged(S.Ready, S.Shutdown));
    }

    [Fact]
    public async Task A_subscriber_that_stops_is_dropped_by_death_watch()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe();
        var subscriber = Sys.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "subscriber");
        channel.SubscribeSubchannelTransitions(subscriber);
        channel.SubscribeState(subscriber);
        probe.ExpectMsg<ChannelStateChanged>();
        Transports.Latest(Addr(1))!.Lose();
        probe.FishForMessage<SubchannelTransition>(t => t.To == S.Idle);
        Assert.Equal(1, channel.Runtime.TransitionSubscriberCount);

        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        Watch(subscriber);
        subscriber.Tell(PoisonPill.Instance);
        ExpectTerminated(subscriber);
        await SettleAsync();
        Assert.Equal(0, channel.Runtime.TransitionSubscriberCount);
        await channel.ConnectAsync();
        await SettleAsync();
        Assert.Equal(S.Ready, channel.State);

        // Nothing more was sent to the dead subscriber.
        deadLetters.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(to.Forward);
    }
}
