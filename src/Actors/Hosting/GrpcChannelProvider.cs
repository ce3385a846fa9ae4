using System.Collections.Concurrent;
using ActorChannel.Client;
using Akka.Actor;
using Config = Akka.Configuration.Config;
using ConfigurationFactory = Akka.Configuration.ConfigurationFactory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActorChannel.Hosting;

/// <summary>The named channels of a host; resolve it from DI to get one.</summary>
public interface IGrpcChannelProvider
{
    /// <summary>
    /// The channel registered under <paramref name="name"/> with AddActorChannel (dialled on first use and shared
    /// after), or the one Akka.Hosting's WithActorChannel started under that name.
    /// </summary>
    /// <exception cref="InvalidOperationException">No channel of that name is registered.</exception>
    ManagedChannel GetChannel(string name);

    /// <summary>The actor system the channels live in: the host's when Akka.Hosting registered one, else one of the provider's own.</summary>
    ActorSystem System { get; }
}

/// <summary>Per-name additions that configuration cannot express.</summary>
internal sealed class ChannelRegistration
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<Func<ManagedChannelOptions, IServiceProvider, ManagedChannelOptions>>> Customizations { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Dials each named channel once, lazily, as the top-level actor "/user/{name}" of the host's ActorSystem (registered
/// by Akka.Hosting's AddAkka) or, without one, of a system of its own that it terminates when it closes.
/// </summary>
internal sealed class GrpcChannelProvider : IGrpcChannelProvider, IAsyncDisposable, IDisposable
{
    private static readonly Config OwnSystemConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    private readonly ConcurrentDictionary<string, Lazy<ManagedChannel>> _channels = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<ActorChannelOptions> _options;
    private readonly ChannelRegistration _registration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lazy<(ActorSystem System, bool Owned)> _system;
    private Task? _closing;

    public GrpcChannelProvider(IServiceProvider services, IOptionsMonitor<ActorChannelOptions> options, IOptions<ChannelRegistration> registration)
    {
        _services = services;
        _options = options;
        _registration = registration.Value;
        _loggerFactory = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory)) ?? NullLoggerFactory.Instance;
        _system = new Lazy<(ActorSystem, bool)>(() => HostSystem() is { } host ? (host, false) : (ActorSystem.Create("actor-channel", OwnSystemConfig), true));
    }

    public ActorSystem System => _system.Value.System;

    public IEnumerable<string> Names => _registration.Names;

    public ManagedChannel GetChannel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_closing is not null, this);
        if (!_registration.Names.Contains(name))
        {
            if (HostSystem() is { } host && ManagedChannelRegistry.For(host).TryGet(name, out var started))
            {
                return started;
            }

            throw new InvalidOperationException($"No ActorChannel named '{name}' is registered; call services.AddActorChannel(\"{name}\", ...) or WithActorChannel(\"{name}\", ...) in AddAkka.");
        }

        return _channels.GetOrAdd(name, n => new Lazy<ManagedChannel>(() => Dial(n))).Value;
    }

    public Task CloseAllAsync() => _closing ??= CloseCoreAsync();

    public ValueTask DisposeAsync() => new(CloseAllAsync());

    /// <summary>For containers disposed synchronously: closing a channel is quick, it only stops actors and sockets.</summary>
    public void Dispose() => CloseAllAsync().GetAwaiter().GetResult();

    /// <summary>The ActorSystem Akka.Hosting registered, if any; resolving it before the host starts it may fail.</summary>
    private ActorSystem? HostSystem()
    {
        try
        {
            return (ActorSystem?)_services.GetService(typeof(ActorSystem));
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }

    private ManagedChannel Dial(string name)
    {
        var options = ActorChannelDialing.Options(name, _options.Get(name), _loggerFactory, _registration, _services);
        return ManagedChannel.Dial(System, _options.Get(name).Target, options, name);
    }

    private async Task CloseCoreAsync()
    {
        foreach (var lazy in _channels.Values.Where(l => l.IsValueCreated))
        {
            await lazy.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (_system.IsValueCreated && _system.Value.Owned)
        {
            await _system.Value.System.Terminate().ConfigureAwait(false);
        }
    }
}

/// <summary>Turns a name's bound settings and code customizations into the options a channel is dialled with.</summary>
internal static class ActorChannelDialing
{
    public static ManagedChannelOptions Options(string name, ActorChannelOptions settings, ILoggerFactory loggerFactory, ChannelRegistration? registration, IServiceProvider services)
    {
        var options = settings.ToManagedChannelOptions(name, loggerFactory);
        if (registration is not null && registration.Customizations.TryGetValue(name, out var customizations))
        {
            foreach (var customize in customizations)
            {
                options = customize(options, services);
            }
        }

        return options;
    }
}
