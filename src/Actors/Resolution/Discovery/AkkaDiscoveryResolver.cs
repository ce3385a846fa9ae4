using ActorChannel.Transport;
using Akka.Discovery;

namespace ActorChannel.Resolution.Discovery;

/// <summary>
/// One service name looked up through Akka.Discovery whenever the resolver actor asks. Discovery has no watch, so
/// each answer asks to be looked at again after the refresh interval (<see cref="ResolutionResult.Refresh"/>), and
/// the resolver actor keeps that timer on the channel's clock.
/// </summary>
internal sealed class AkkaDiscoveryResolver : IResolver
{
    private const int DefaultPort = 443;
    private readonly ServiceDiscovery _discovery;
    private readonly string _service;
    private readonly AkkaDiscoveryResolverFactory _settings;
    private readonly RefreshSchedule? _refresh;

    public AkkaDiscoveryResolver(ServiceDiscovery discovery, string service, AkkaDiscoveryResolverFactory settings)
    {
        _discovery = discovery;
        _service = service;
        _settings = settings;
        _refresh = settings.RefreshInterval == Timeout.InfiniteTimeSpan ? null : new RefreshSchedule(settings.RefreshInterval);
    }

    public TimeSpan MinResolveInterval => _settings.MinResolveInterval;

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        ServiceDiscovery.Resolved resolved;
        try
        {
            resolved = await _discovery.Lookup(new Lookup(_service), _settings.LookupTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new NameResolutionException($"akka-discovery lookup of '{_service}' failed: {e.GetBaseException().Message}", e);
        }

        var addresses = new List<TransportAddress>(resolved.Addresses.Count);
        foreach (var target in resolved.Addresses)
        {
            var host = target.Address?.ToString() ?? target.Host;
            addresses.Add(TransportAddress.Tcp(host, target.Port ?? DefaultPort));
        }

        return new ResolutionResult(addresses) { Refresh = _refresh };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
