using ActorChannel.Client;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Hosting;

/// <summary>
/// <c>services.AddAkka("orders", b => b.WithActorChannel&lt;GreeterChannel&gt;("greeter", o => o.Target = "dns:///greeter:50051"))</c>:
/// the channel starts with the actor system, as its actor "/user/greeter", and stops with it.
/// </summary>
public static class AkkaHostingExtensions
{
    /// <summary>
    /// Starts the channel <paramref name="name"/> when the actor system starts. Reach it through
    /// <see cref="ManagedChannelRegistry"/> (or IGrpcChannelProvider when one is registered).
    /// </summary>
    public static AkkaConfigurationBuilder WithActorChannel(this AkkaConfigurationBuilder builder, string name, Action<ActorChannelOptions> configure) =>
        builder.WithActorChannel(name, configure, register: null);

    /// <summary>
    /// Like <see cref="WithActorChannel(AkkaConfigurationBuilder, string, Action{ActorChannelOptions})"/>, and registers the
    /// channel actor under <typeparamref name="TKey"/>, so that <c>IRequiredActor&lt;TKey&gt;</c> resolves it.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorChannel<TKey>(this AkkaConfigurationBuilder builder, string name, Action<ActorChannelOptions> configure) =>
        builder.WithActorChannel(name, configure, (registry, channel) => registry.Register<TKey>(channel.Actor));

    private static AkkaConfigurationBuilder WithActorChannel(this AkkaConfigurationBuilder builder, string name, Action<ActorChannelOptions> configure, Action<IActorRegistry, ManagedChannel>? register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.WithActors((system, registry, resolver) =>
        {
            var settings = new ActorChannelOptions();
            configure(settings);
            var loggerFactory = resolver.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var options = ActorChannelDialing.Options(name, settings, loggerFactory, registration: null, services: null!);
            var channel = ManagedChannel.Dial(system, settings.Target, options, name);
            ManagedChannelRegistry.For(system).Add(name, channel);
            register?.Invoke(registry, channel);
        });
    }
}
