using ActorChannel.Client;
using ActorChannel.Kernel;
using ActorChannel.Resolution;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>A channel spawned as the child of a user's actor, which subscribes to its state.</summary>
public class HostingTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private abstract record OwnerMessage;

    private sealed record StateChanged(S State) : OwnerMessage;

    private sealed record GetChannel(ReplyTo<ManagedChannel> ReplyTo) : OwnerMessage;

    private sealed record StopOwner : OwnerMessage;

    private sealed class Owner(Func<IActorContext<OwnerMessage>, ManagedChannel> dial, ActorRef<S> report) : Actor<OwnerMessage>
    {
        private ManagedChannel? _channel;

        protected override void PreStart()
        {
            _channel = dial(Context);
            _channel.SubscribeState(Context.Self, s => new StateChanged(s));
        }

        protected override void Receive(OwnerMessage message)
        {
            switch (message)
            {
                case StateChanged changed:
                    report.Tell(changed.State);
                    break;
                case GetChannel get:
                    get.ReplyTo.Reply(_channel!);
                    break;
                case StopOwner:
                    Context.StopSelf();
                    break;
            }
        }
    }

    [Fact]
    public async Task A_user_actor_hosts_the_channel_and_hears_its_state_changes()
    {
        Resolver = new ManualResolver(new ResolutionResult([Addr(1)]));
        var options = Options();
        var probe = CreateTestProbe<S>();
        var owner = System.Spawn(Props<OwnerMessage>.Create(() => new Owner(ctx => ManagedChannel.Spawn(ctx, "manual:///hosted", options, "grpc"), probe.Ref)), "owner");
        await SettleAsync();
        var channel = await owner.Ask<ManagedChannel>(r => new GetChannel(r), TimeSpan.FromSeconds(3));
        Assert.StartsWith("/user/owner/grpc", channel.Actor.Path);
        await probe.FishForMessageAsync<S>(s => s == S.Ready);

        Transports.Latest(Addr(1))!.Lose();
        await probe.ExpectMsgAsync<S>(s => s == S.Idle);

        // Stopping the parent stops the channel with it: SHUTDOWN, every transport closed.
        var watcher = CreateTestProbe<object>();
        watcher.Watch(channel.Actor);
        owner.Tell(new StopOwner());
        await watcher.ExpectTerminatedAsync(channel.Actor);
        Assert.Equal(S.Shutdown, channel.State);
        Assert.All(Transports.Transports, t => Assert.True(t.IsClosed));
    }
}
