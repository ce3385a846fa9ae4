using ActorChannel.Client;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Akka.Actor;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>The channel under Akka supervision: restarted by its parent, and without a balancer that gave up.</summary>
public class SupervisionTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task A_channel_restarted_by_its_parent_keeps_its_subscribers_and_serves_again()
    {
        Resolver = new ManualResolver(new ResolutionResult([Addr(1)]));
        var options = Options("round_robin");
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(ctx => ManagedChannel.Spawn(ctx, "manual:///restarted", options, "grpc"))), "parent");
        var channel = Watch(await parent.Ask<ManagedChannel>(RestartingParent.GetChannel.Instance, TimeSpan.FromSeconds(3)));
        var subscriber = CreateTestProbe();
        channel.SubscribeState(subscriber.Ref);
        subscriber.FishForMessage<ChannelStateChanged>(m => m.Current == S.Ready);

        AnswerWithAddress();

        // Kill fails the channel actor; this parent's strategy restarts it: new resolver, balancer and subchannels.
        channel.Actor.Tell(Kill.Instance);
        subscriber.FishForMessage<ChannelStateChanged>(m => m.Current == S.Connecting);
        subscriber.FishForMessage<ChannelStateChanged>(m => m.Current == S.Ready);
        await SettleAsync();
        Assert.Equal(2, Transports.TransportsTo(Addr(1)).Count);
        Assert.True(Transports.TransportsTo(Addr(1))[0].IsClosed);
        Assert.Equal(Addr(1).ToString(), await CallAsync(channel));
    }

    [Fact]
    public async Task A_balancer_that_keeps_failing_is_stopped_and_calls_fail_naming_it()
    {
        // round_robin draws its start index in the balancer at every READY picker: a draw that always throws fails
        // the balancer each time it is given the addresses, until the strategy's 10 restarts a minute are used up.
        Random = () => throw new InvalidOperationException("boom");
        var channel = await DialAsync("round_robin", [Addr(1)]);
        await AwaitAssertAsync(() => Assert.Equal(S.TransientFailure, channel.State));

        var e = await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Contains("balancer stopped", e.Status.Detail);
    }

    private sealed class RestartingParent : ReceiveActor
    {
        private readonly Func<IActorContext, ManagedChannel> _dial;
        private ManagedChannel? _channel;

        public RestartingParent(Func<IActorContext, ManagedChannel> dial)
        {
            _dial = dial;
            Receive<GetChannel>(_ => Sender.Tell(_channel));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

        protected override void PreStart() => _channel = _dial(Context);

        public sealed record GetChannel
        {
            public static readonly GetChannel Instance = new();
        }
    }
}
