using ActorChannel.Host.Tests.Infrastructure;
using ActorChannel.Hosting;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorChannel.Host.Tests.Embedding;

/// <summary>Which actor system AddActorChannel dials in: the host's when AddAkka registered one, else its own.</summary>
public sealed class AddActorChannelSystemTests
{
    [Fact]
    public async Task With_AddAkka_the_channel_is_an_actor_of_the_host_s_system()
    {
        await using var server = await Backends.StartOursAsync("shop-backend");
        await using var host = await StartedHost.StartAsync(services =>
        {
            services.AddAkka("shop", _ => { });
            services.AddActorChannel("greeter", o => o.Target = server.Address);
        });
        var system = host.Get<ActorSystem>();
        var channels = host.Get<IGrpcChannelProvider>();

        var channel = channels.GetChannel("greeter");

        Assert.Same(system, channels.System);
        Assert.Equal("shop", channel.Actor.Path.Address.System);
        Assert.Equal("/user/greeter", channel.Actor.Path.ToStringWithoutAddress());
        Assert.Equal("Hello shop from shop-backend", await new Greeter.GreeterClient(channel).GreetAsync("shop"));
    }

    [Fact]
    public async Task With_AddAkka_a_client_resolved_before_the_system_starts_still_uses_the_host_s_system()
    {
        await using var server = await Backends.StartOursAsync("shop-backend");
        await using var host = await StartedHost.StartAsync(services =>
        {
            // Hosted services are made before any of them starts: this one's client dials before AddAkka's system runs.
            services.AddHostedService<EarlyClient>();
            services.AddAkka("shop", _ => { });
            services.AddActorChannel("greeter", o => o.Target = server.Address).AddClient<Greeter.GreeterClient>();
        });

        var channel = host.Get<IGrpcChannelProvider>().GetChannel("greeter");

        Assert.Same(host.Get<ActorSystem>(), host.Get<IGrpcChannelProvider>().System);
        Assert.Equal("shop", channel.Actor.Path.Address.System);
        Assert.Equal("Hello early from shop-backend", await new Greeter.GreeterClient(channel).GreetAsync("early"));
    }

    [Fact]
    public async Task With_AddAkka_ConnectOnStart_dials_in_the_host_s_system_once_it_has_started()
    {
        await using var server = await Backends.StartOursAsync();
        await using var host = await StartedHost.StartAsync(services =>
        {
            services.AddAkka("shop", _ => { });
            services.AddActorChannel("warm", o => (o.Target, o.ConnectOnStart) = (server.Address, true));
        });

        // The channel actor exists before anyone asked the provider for the channel.
        var actor = await host.Get<ActorSystem>().ActorSelection("/user/warm").ResolveOne(TimeSpan.FromSeconds(10));

        Assert.Equal(host.Get<IGrpcChannelProvider>().GetChannel("warm").Actor, actor);
    }

    [Fact]
    public async Task Without_AddAkka_the_provider_dials_in_a_system_of_its_own_and_terminates_it_on_shutdown()
    {
        await using var server = await Backends.StartOursAsync();
        var host = await StartedHost.StartAsync(services => services.AddActorChannel("greeter", o => o.Target = server.Address));
        var channels = host.Get<IGrpcChannelProvider>();
        var channel = channels.GetChannel("greeter");
        var system = channels.System;

        Assert.Null(host.Services.GetService<ActorSystem>());
        Assert.Equal("actor-channel", system.Name);
        Assert.Equal(system.Name, channel.Actor.Path.Address.System);
        Assert.Equal("/user/greeter", channel.Actor.Path.ToStringWithoutAddress());

        await host.DisposeAsync();
        Assert.Equal(ConnectivityState.Shutdown, channel.State);
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Was "the host's clock and loggers reach the channel's actor system" (a TimeProvider and an ILoggerFactory
    /// from DI). A channel's clock is now its actor system's scheduler, so the host chooses it through AddAkka;
    /// the ILoggerFactory still comes from DI.
    /// </summary>
    [Fact]
    public async Task The_host_s_loggers_and_its_actor_system_s_clock_reach_the_channel()
    {
        var logs = new CapturingLoggerProvider();
        var target = $"127.0.0.1:{Backends.ClosedPort()}";
        await using var host = await StartedHost.StartAsync(services =>
        {
            services.AddLogging(l => l.AddProvider(logs));
            services.AddAkka("clocked", b => b.AddHocon("""akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """, HoconAddMode.Prepend));
            services.AddActorChannel("c", o => o.Target = target);
        });
        var clock = Assert.IsType<TestScheduler>(host.Get<ActorSystem>().Scheduler);
        var channel = host.Get<IGrpcChannelProvider>().GetChannel("c");

        Assert.Contains(logs.Messages, m => m.StartsWith("ActorChannel.Client: ", StringComparison.Ordinal) && m.Contains($"dialled {target}", StringComparison.Ordinal));

        // Nobody listens at the target, so only the deadline can end this; an hour of the real clock would not pass here.
        var connecting = channel.ConnectAsync(TimeSpan.FromHours(1));
        Assert.False(connecting.IsCompleted);
        clock.Advance(TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("not READY within 01:00:00", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A hosted service that takes a typed client in its constructor, as a worker does.</summary>
    private sealed class EarlyClient(Greeter.GreeterClient client) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Greeter.GreeterClient Client { get; } = client;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
