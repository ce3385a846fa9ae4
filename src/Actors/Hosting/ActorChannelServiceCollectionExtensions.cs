using Grpc.Core;
using ActorChannel.Client;
using ActorChannel.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ActorChannel.Hosting;

/// <summary>
/// <c>services.AddActorChannel("greeter", configuration.GetSection("ActorChannel:Greeter")).AddClient&lt;Greeter.GreeterClient&gt;();</c>
/// </summary>
public static class ActorChannelServiceCollectionExtensions
{
    /// <summary>Registers IGrpcChannelProvider alone, e.g. to reach channels Akka.Hosting's WithActorChannel started.</summary>
    public static IServiceCollection AddActorChannelProvider(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton<GrpcChannelProvider>();
        services.TryAddSingleton<IGrpcChannelProvider>(sp => sp.GetRequiredService<GrpcChannelProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ActorChannelLifetime>());
        return services;
    }

    /// <summary>Registers a channel named <paramref name="name"/> with fixed options.</summary>
    public static ActorChannelBuilder AddActorChannel(this IServiceCollection services, string name, ActorChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddActorChannel(name, o => Copy(options, o));
    }

    /// <summary>Registers a channel named <paramref name="name"/>, configured in code.</summary>
    public static ActorChannelBuilder AddActorChannel(this IServiceCollection services, string name, Action<ActorChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services, name);
        services.AddOptions<ActorChannelOptions>(name).Configure(configure);
        return builder;
    }

    /// <summary>Registers a channel named <paramref name="name"/> whose options are bound from <paramref name="configuration"/> (and follow its reloads for channels dialled later).</summary>
    public static ActorChannelBuilder AddActorChannel(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, name);
        services.AddOptions<ActorChannelOptions>(name).Bind(configuration);
        return builder;
    }

    private static ActorChannelBuilder AddCore(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddActorChannelProvider();
        services.Configure<ChannelRegistration>(r =>
        {
            if (!r.Names.Add(name))
            {
                throw new InvalidOperationException($"An ActorChannel named '{name}' is registered twice.");
            }
        });
        return new ActorChannelBuilder(name, services);
    }

    private static void Copy(ActorChannelOptions from, ActorChannelOptions to)
    {
        foreach (var property in typeof(ActorChannelOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(to, property.GetValue(from));
        }
    }
}

/// <summary>Adds typed clients and code-only settings to the channel AddActorChannel registered.</summary>
public sealed class ActorChannelBuilder(string name, IServiceCollection services)
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Registers the generated client <typeparamref name="TClient"/> (transient) over this channel:
    /// <c>.AddClient&lt;Greeter.GreeterClient&gt;()</c>. Clients are cheap; the channel under them is shared.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TClient"/> has no public constructor taking a CallInvoker.</exception>
    public ActorChannelBuilder AddClient<TClient>()
        where TClient : ClientBase
    {
        var constructor = typeof(TClient).GetConstructor([typeof(CallInvoker)])
            ?? throw new ArgumentException($"{typeof(TClient).FullName} has no public constructor taking a Grpc.Core.CallInvoker; is it a client Grpc.Tools generated?", nameof(TClient));
        return AddClient(invoker => (TClient)constructor.Invoke([invoker]));
    }

    /// <summary>Registers <typeparamref name="TClient"/> (transient) made over this channel's call invoker by <paramref name="create"/>.</summary>
    public ActorChannelBuilder AddClient<TClient>(Func<CallInvoker, TClient> create)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(create);
        var channelName = Name;
        Services.AddTransient(sp => create(sp.GetRequiredService<IGrpcChannelProvider>().GetChannel(channelName).CreateCallInvoker()));
        return this;
    }

    /// <summary>Changes the channel options after binding: credentials objects, a transport factory, a transition observer.</summary>
    public ActorChannelBuilder ConfigureChannel(Func<ManagedChannelOptions, IServiceProvider, ManagedChannelOptions> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        var channelName = Name;
        Services.Configure<ChannelRegistration>(r =>
        {
            if (!r.Customizations.TryGetValue(channelName, out var list))
            {
                r.Customizations[channelName] = list = [];
            }

            list.Add(customize);
        });
        return this;
    }
}

/// <summary>Dials ConnectOnStart channels once the host has started; closes every channel after all hosted services have stopped.</summary>
internal sealed class ActorChannelLifetime(GrpcChannelProvider provider, Microsoft.Extensions.Options.IOptionsMonitor<ActorChannelOptions> options) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every hosted service's StartAsync, so that a host ActorSystem (Akka.Hosting) is running by then.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var name in provider.Names.Where(n => options.Get(n).ConnectOnStart))
        {
            provider.GetChannel(name);
        }

        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every hosted service's StopAsync: workers are done with their calls, so closing cannot cut them off.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => provider.CloseAllAsync().WaitAsync(cancellationToken);
}
