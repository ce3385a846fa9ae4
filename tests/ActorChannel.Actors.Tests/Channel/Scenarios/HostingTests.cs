using ActorChannel.Client;
using ActorChannel.Resolution;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>A channel spawned as the child of a user's actor, which subscribes to its state.</summary>
public class HostingTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private sealed record GetChannel
    {
        public static readonly GetChannel Instance = new();
    }

    private sealed class Owner : ReceiveActor
    {
        private readonly Func<IActorContext, ManagedChannel> _dial;
        private ManagedChannel? _channel;

        public Owner(Func<IActorContext, ManagedChannel> dial, IActorRef report)
        {
            _dial = dial;
            Receive<ChannelStateChanged>(changed => report.Tell(changed.Current));
            Receive<GetChannel>(_ => Sender.Tell(_channel));
        }

        protected override void PreStart()
        {
            _channel = _dial(Context);
            _channel.SubscribeState(Self);
        }
    }

    [Fact]
    public async Task A_user_actor_hosts_the_channel_and_hears_its_state_changes()
    {
        Resolver = new ManualResolver(new ResolutionResult([Addr(1)]));
        var options = Options();
        var probe = CreateTestProbe();
        var owner = Sys.ActorOf(Props.Create(() => new Owner(ctx => ManagedChannel.Spawn(ctx, "manual:///hosted", options, "grpc"), probe.Ref)), "owner");
        var channel = await owner.Ask<ManagedChannel>(GetChannel.Instance, TimeSpan.FromSeconds(3));
        Watch(channel);
        Assert.StartsWith("/user/owner/grpc", channel.Actor.Path.ToStringWithoutAddress());
        probe.FishForMessage<S>(s => s == S.Ready);

        Transports.Latest(Addr(1))!.Lose();
        probe.FishForMessage<S>(s => s == S.Idle);

        // Stopping the parent stops the channel with it: SHUTDOWN, every transport closed.
        var watcher = CreateTestProbe();
        watcher.Watch(channel.Actor);
        owner.Tell(PoisonPill.Instance);
        watcher.ExpectTerminated(channel.Actor);
        Assert.Equal(S.Shutdown, channel.State);
        Assert.All(Transports.Transports, t => Assert.True(t.IsClosed));
    }
}
