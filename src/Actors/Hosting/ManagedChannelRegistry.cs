using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ActorChannel.Client;
using Akka.Actor;

namespace ActorChannel.Hosting;

/// <summary>
/// The channels Akka.Hosting's WithActorChannel started in one actor system, by name: an Akka extension, so that it
/// lives and ends with that system.
/// </summary>
public sealed class ManagedChannelRegistry : IExtension
{
    private readonly ConcurrentDictionary<string, ManagedChannel> _channels = new(StringComparer.Ordinal);

    public static ManagedChannelRegistry For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<ManagedChannelRegistry, ManagedChannelRegistryProvider>();
    }

    public IReadOnlyCollection<string> Names => _channels.Keys.ToArray();

    /// <exception cref="InvalidOperationException">No channel of that name was started in this system.</exception>
    public ManagedChannel Get(string name) =>
        TryGet(name, out var channel) ? channel : throw new InvalidOperationException($"No ActorChannel named '{name}' was started in this actor system.");

    public bool TryGet(string name, [NotNullWhen(true)] out ManagedChannel? channel) => _channels.TryGetValue(name, out channel);

    internal void Add(string name, ManagedChannel channel)
    {
        if (!_channels.TryAdd(name, channel))
        {
            throw new InvalidOperationException($"An ActorChannel named '{name}' is already started in this actor system.");
        }
    }
}

internal sealed class ManagedChannelRegistryProvider : ExtensionIdProvider<ManagedChannelRegistry>
{
    public override ManagedChannelRegistry CreateExtension(ExtendedActorSystem system) => new();
}
