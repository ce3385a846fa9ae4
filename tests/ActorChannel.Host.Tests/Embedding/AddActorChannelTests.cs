using ActorChannel.Client;
using ActorChannel.Host.Tests.Infrastructure;
using ActorChannel.Hosting;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ActorChannel.Host.Tests.Embedding;

public sealed class AddActorChannelTests
{
    [Fact]
    public async Task Options_bind_from_configuration_and_a_typed_client_calls_through_the_named_channel()
    {
        await using var server = await Backends.StartOursAsync("di");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Greeter:Target"] = server.Address,
            ["Channels:Greeter:LoadBalancingPolicy"] = "round_robin",
            ["Channels:Greeter:Backoff:MaxBackoff"] = "00:00:03",
            ["Channels:Greeter:MaxReceiveMessageSize"] = "1048576",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        CallInvoker? madeOver = null;
        services.AddActorChannel("greeter", configuration.GetSection("Channels:Greeter")).AddClient(invoker => new Greeter.GreeterClient(madeOver = invoker));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ActorChannelOptions>>().Get("greeter");
        Assert.Equal(TimeSpan.FromSeconds(3), options.Backoff.MaxBackoff);
        Assert.Equal(1048576, options.MaxReceiveMessageSize);

        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        Assert.Equal("Hello DI from di", await client.GreetAsync("DI"));

        var channels = provider.GetRequiredService<IGrpcChannelProvider>();
        var channel = channels.GetChannel("greeter");
        Assert.Same(channel.CreateCallInvoker(), madeOver);
        Assert.Equal(server.Address, channel.Target);
        Assert.Equal("/user/greeter", channel.Actor.Path.ToStringWithoutAddress());
    }

    [Fact]
    public async Task AddClient_of_a_generated_client_resolves_one_that_calls_a_real_backend_through_the_named_channel()
    {
        await using var server = await Backends.StartOursAsync("generated");
        var services = new ServiceCollection();
        services.AddActorChannel("greeter", o => o.Target = server.Address).AddClient<Greeter.GreeterClient>();
        await using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<Greeter.GreeterClient>();
        var second = provider.GetRequiredService<Greeter.GreeterClient>();

        // Transient clients over the one channel: both answer, over one connection.
        Assert.NotSame(first, second);
        Assert.Equal("Hello first from generated", await first.GreetAsync("first"));
        var reply = await second.SayHelloAsync(new HelloRequest { Name = "second" }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("Hello second from generated", reply.Message);
        var channel = provider.GetRequiredService<IGrpcChannelProvider>().GetChannel("greeter");
        Assert.Equal(ConnectivityState.Ready, channel.State);
        Assert.Equal(server.Address, Assert.Single(channel.GetSubchannels()).Address.ToString());
        Assert.Equal(1, server.OpenConnections);
    }

    [Fact]
    public void AddClient_of_a_client_without_a_CallInvoker_constructor_is_refused_naming_it()
    {
        var builder = new ServiceCollection().AddActorChannel("c", o => o.Target = "127.0.0.1:1");

        var error = Assert.Throws<ArgumentException>(() => builder.AddClient<NoInvokerConstructor>());

        Assert.Contains(typeof(NoInvokerConstructor).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_container_closes_its_channels()
    {
        await using var server = await Backends.StartOursAsync();
        var services = new ServiceCollection();
        services.AddActorChannel("c", new ActorChannelOptions { Target = server.Address });
        ManagedChannel channel;
        await using (var provider = services.BuildServiceProvider())
        {
            channel = provider.GetRequiredService<IGrpcChannelProvider>().GetChannel("c");
            await channel.ConnectAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }

        Assert.Equal(ConnectivityState.Shutdown, channel.State);
    }

    [Fact]
    public async Task ConfigureChannel_adds_what_configuration_cannot_hold()
    {
        await using var server = await Backends.StartOursAsync();
        var transitions = new System.Collections.Concurrent.ConcurrentQueue<SubchannelTransition>();
        var services = new ServiceCollection();
        services.AddActorChannel("c", o => o.Target = server.Address)
            .ConfigureChannel((options, _) => options with { TransitionObserver = transitions.Enqueue });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IGrpcChannelProvider>().GetChannel("c").ConnectAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.Contains(transitions, t => t.To == ConnectivityState.Ready && t.Address.ToString() == server.Address);
    }

    [Fact]
    public void The_same_name_twice_is_refused()
    {
        var services = new ServiceCollection();
        services.AddActorChannel("twice", o => o.Target = "127.0.0.1:1");
        services.AddActorChannel("twice", o => o.Target = "127.0.0.1:2");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IGrpcChannelProvider>());
        Assert.Contains("'twice' is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_name_is_a_clear_error()
    {
        var services = new ServiceCollection();
        services.AddActorChannel("known", o => o.Target = "127.0.0.1:1");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IGrpcChannelProvider>().GetChannel("other"));
        Assert.Contains("'other'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, "Target is not set")]
    [InlineData("127.0.0.1:1", "round_robin", """{"loadBalancingConfig":[{"pick_first":{}}]}""", "not both")]
    [InlineData("127.0.0.1:1", "weighted_magic", null, "weighted_magic")]
    public void Bad_settings_name_the_channel_and_the_setting(string? target, string? policy, string? serviceConfig, string expected)
    {
        var services = new ServiceCollection();
        services.AddActorChannel("bad", new ActorChannelOptions { Target = target ?? "", LoadBalancingPolicy = policy, ServiceConfig = serviceConfig });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<IGrpcChannelProvider>().GetChannel("bad"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client Grpc.Tools did not make: no public constructor taking a CallInvoker.</summary>
    private sealed class NoInvokerConstructor : ClientBase<NoInvokerConstructor>
    {
        protected override NoInvokerConstructor NewInstance(ClientBaseConfiguration configuration) => this;
    }
}
