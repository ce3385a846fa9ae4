using System.Collections.Concurrent;
using ActorChannel.Client;
using ActorChannel.Kernel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActorChannel.Hosting;

/// <summary>The named channels registered with AddActorChannel; resolve it from DI to get one.</summary>
public interface IGrpcChannelProvider
{
    /// <summary>The channel registered under <paramref name="name"/>, dialled on first use and shared after.</summary>
    /// <exception cref="InvalidOperationException">No channel of that name is registered.</exception>
    GrpcChannel GetChannel(string name);

    /// <summary>The actor system every channel of this provider lives in ("/user/{name}").</summary>
    ActorSystem System { get; }
}

/// <summary>Per-name additions that configuration cannot express.</summary>
internal sealed class ChannelRegistration
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<Func<GrpcChannelOptions, IServiceProvider, GrpcChannelOptions>>> Customizations { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Dials each named channel once, lazily, as a top-level actor of one shared actor system that uses the host's
/// ILoggerFactory and TimeProvider. Closes them all (then the system) on host shutdown or disposal.
/// </summary>
internal sealed class GrpcChannelProvider : IGrpcChannelProvider, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<ActorChannelOptions> _options;
    private readonly ChannelRegistration _registration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Lazy<ActorSystem> _system;
    private Task? _closing;

    public GrpcChannelProvider(IServiceProvider services, IOptionsMonitor<ActorChannelOptions> options, IOptions<ChannelRegistration> registration)
    {
        _services = services;
        _options = options;
        _registration = registration.Value;
        _loggerFactory = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory)) ?? NullLoggerFactory.Instance;
        _time = (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System;
        _system = new Lazy<ActorSystem>(() => ActorSystem.Create("actor-channel", new ActorSystemOptions { LoggerFactory = _loggerFactory, TimeProvider = _time }));
    }

    public ActorSystem System => _system.Value;

    public IEnumerable<string> Names => _registration.Names;

    public GrpcChannel GetChannel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_registration.Names.Contains(name))
        {
            throw new InvalidOperationException($"No ActorChannel named '{name}' is registered; call services.AddActorChannel(\"{name}\", ...).");
        }

        ObjectDisposedException.ThrowIf(_closing is not null, this);
        return _channels.GetOrAdd(name, n => new Lazy<GrpcChannel>(() => Dial(n))).Value;
    }

    public Task CloseAllAsync() => _closing ??= CloseCoreAsync();

    public ValueTask DisposeAsync() => new(CloseAllAsync());

    /// <summary>For containers disposed synchronously: closing a channel is quick, it only stops actors and sockets.</summary>
    public void Dispose() => CloseAllAsync().GetAwaiter().GetResult();

    private GrpcChannel Dial(string name)
    {
        var options = _options.Get(name).ToGrpcChannelOptions(name, _loggerFactory, _time);
        if (_registration.Customizations.TryGetValue(name, out var customizations))
        {
            foreach (var customize in customizations)
            {
                options = customize(options, _services);
            }
        }

        return GrpcChannel.Dial(System, _options.Get(name).Target, options, name);
    }

    private async Task CloseCoreAsync()
    {
        foreach (var lazy in _channels.Values.Where(l => l.IsValueCreated))
        {
            await lazy.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (_system.IsValueCreated)
        {
            await _system.Value.TerminateAsync().ConfigureAwait(false);
        }
    }
}
