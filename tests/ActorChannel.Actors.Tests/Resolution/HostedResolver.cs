using ActorChannel.Client.Actors;
using ActorChannel.Client.Backoff;
using ActorChannel.Client.Time;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.TestKit;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Actors.Tests.Resolution;

/// <summary>
/// A resolver hosted the way a channel hosts it, by a real resolver actor on the system's scheduler, with a probe in
/// the channel's place: what the actor tells the channel (AddressesUpdated, ResolverError) arrives on
/// <see cref="Channel"/>. The actor resolves as soon as it starts.
/// </summary>
internal sealed class HostedResolver(IResolver resolver, IActorRef actor, TestProbe channel)
{
    public IResolver Resolver => resolver;

    public IActorRef Actor => actor;

    public TestProbe Channel => channel;

    /// <summary>Makes the resolver with the context a channel would give it (the scheduler's clock) and starts its actor.</summary>
    public static HostedResolver Start(TestKitBase kit, ILoggerFactory logs, Func<ResolverContext, IResolver> create)
    {
        var system = kit.Sys;
        ChannelMailbox.EnsureRegistered(system);
        var time = SchedulerTimeProvider.For(system);
        var logger = logs.CreateLogger("ActorChannel.Client");
        var runtime = new ChannelRuntime(time, logger, BackoffOptions.Default, () => 0.5, new FakeTransportFactory(), new TransportOptions(), null, refuseCallCredentials: false, onTransition: null);
        var sink = new ResolverSink();
        var resolver = create(new ResolverContext(time, logger, sink.Update, sink.Error) { System = system });
        var channel = kit.CreateTestProbe();
        var actor = system.ActorOf(ResolverActor.Props(runtime, resolver, sink, channel.Ref));
        runtime.ActorStarted(actor);
        return new HostedResolver(resolver, actor, channel);
    }

    /// <summary>Stops the actor, as a channel that shuts down does, then disposes the resolver.</summary>
    public async Task StopAsync(TestKitBase kit)
    {
        var watcher = kit.CreateTestProbe();
        watcher.Watch(Actor);
        kit.Sys.Stop(Actor);
        watcher.ExpectTerminated(Actor);
        await Resolver.DisposeAsync();
    }
}
