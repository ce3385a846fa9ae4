using ActorChannel.Transport;
using Akka.Discovery;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution.Discovery;

/// <summary>
/// One service name looked up through Akka.Discovery: when the resolver actor asks (start, ResolveNow, retries), and
/// every refresh interval on a timer of the channel's clock, whose results are pushed. Never two lookups at once from
/// the timer: a refresh that finds one in flight is skipped.
/// </summary>
internal sealed class AkkaDiscoveryResolver : IResolver
{
    private const int DefaultPort = 443;
    private readonly ServiceDiscovery _discovery;
    private readonly string _service;
    private readonly AkkaDiscoveryResolverFactory _settings;
    private readonly ResolverContext _context;
    private readonly ITimer? _refresh;
    private readonly CancellationTokenSource _disposed = new();
    private int _refreshing;

    public AkkaDiscoveryResolver(ServiceDiscovery discovery, string service, AkkaDiscoveryResolverFactory settings, ResolverContext context)
    {
        _discovery = discovery;
        _service = service;
        _settings = settings;
        _context = context;
        if (settings.RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            _refresh = context.TimeProvider.CreateTimer(_ => _ = RefreshAsync(), null, settings.RefreshInterval, settings.RefreshInterval);
        }
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

        return new ResolutionResult(addresses);
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        _refresh?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            var result = await ResolveAsync(_disposed.Token).ConfigureAwait(false);
            _context.OnUpdate(result);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // Disposed while looking up: nobody listens any more.
        }
        catch (Exception e)
        {
            _context.Logger.LogWarning("akka-discovery resolver: refreshing '{Service}' failed: {Error}", _service, e.Message);
            _context.OnError(e);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }
}
