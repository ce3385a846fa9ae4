using ActorChannel.Host.Tests.Infrastructure;
using ActorChannel.Hosting;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ActorChannel.Host.Tests.Embedding;

/// <summary>Akka.Hosting's AddAkka with WithActorChannel: the channel is one of the hosted system's actors.</summary>
public sealed class WithActorChannelTests
{
    [Fact]
    public async Task The_channel_starts_in_the_hosted_system_as_user_greeter_resolves_as_a_required_actor_and_answers_calls()
    {
        await using var server = await Backends.StartOursAsync("akka-backend");
        await using var host = await StartedHost.StartAsync(services => services.AddAkka("orders", b => b
            .WithActorChannel<GreeterChannel>("greeter", o => o.Target = server.Address)));
        var system = host.Get<ActorSystem>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var actor = await host.Get<IRequiredActor<GreeterChannel>>().GetAsync(timeout.Token);
        var channel = ManagedChannelRegistry.For(system).Get("greeter");

        Assert.Equal("/user/greeter", actor.Path.ToStringWithoutAddress());
        Assert.Equal("orders", actor.Path.Address.System);
        Assert.Equal(channel.Actor, actor);
        Assert.Equal(["greeter"], ManagedChannelRegistry.For(system).Names);
        Assert.Equal("Hello akka from akka-backend", await new Greeter.GreeterClient(channel).GreetAsync("akka"));
        Assert.Equal(1, server.OpenConnections);

        // The channel stops with the system: no one disposes it, Akka.Hosting's shutdown ends it and its connection.
        await host.StopAsync();
        Assert.True(system.WhenTerminated.IsCompleted);
        Assert.Equal(ConnectivityState.Shutdown, channel.State);
        await RealNetwork.UntilAsync(() => server.OpenConnections == 0, TimeSpan.FromSeconds(10), "the server saw the channel's connection close");
    }

    [Fact]
    public async Task IGrpcChannelProvider_reaches_a_channel_WithActorChannel_started_and_names_an_unknown_one()
    {
        await using var server = await Backends.StartOursAsync("akka-backend");
        await using var host = await StartedHost.StartAsync(services => services
            .AddActorChannelProvider()
            .AddAkka("orders", b => b.WithActorChannel("greeter", o => o.Target = server.Address)));
        var system = host.Get<ActorSystem>();
        var channels = host.Get<IGrpcChannelProvider>();

        var channel = channels.GetChannel("greeter");

        Assert.Same(ManagedChannelRegistry.For(system).Get("greeter"), channel);
        Assert.Same(system, channels.System);
        Assert.Equal("Hello provider from akka-backend", await new Greeter.GreeterClient(channel).GreetAsync("provider"));
        var error = Assert.Throws<InvalidOperationException>(() => channels.GetChannel("other"));
        Assert.Contains("'other'", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ManagedChannelRegistry.For(system).Get("other"));
    }

    /// <summary>The ActorRegistry key the channel's actor is registered under.</summary>
    private sealed class GreeterChannel;
}
