using System.Threading.Channels;

namespace ActorChannel.Host.Server.Services;

/// <summary>
/// The statuses the health service reports, switchable at run time. "" stands for the server as a whole.
/// Watchers get the latest status only: a slow watcher skips intermediate changes, as grpc-go's does.
/// </summary>
public sealed class HealthStatusRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly List<(string Service, Channel<ServingStatus?> Updates)> _watchers = new();

    /// <summary>Sets (or adds) a service's status and tells its watchers.</summary>
    public void Set(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            _statuses[service] = status;
            Publish(service, status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void Remove(string service)
    {
        lock (_gate)
        {
            if (_statuses.Remove(service))
            {
                Publish(service, null);
            }
        }
    }

    /// <summary>Sets every known service (and "") to <paramref name="status"/>, e.g. NOT_SERVING on shutdown.</summary>
    public void SetAll(ServingStatus status)
    {
        lock (_gate)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                Set(service, status);
            }
        }
    }

    /// <summary>The status, or null for a service the registry does not know.</summary>
    public ServingStatus? Get(string service)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out var s) ? s : null;
        }
    }

    /// <summary>The current status now, then every change, until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<ServingStatus?> WatchAsync(string service, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = Channel.CreateBounded<ServingStatus?>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            updates.Writer.TryWrite(_statuses.TryGetValue(service, out var s) ? s : null);
            _watchers.Add((service, updates));
        }

        try
        {
            await foreach (var status in updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return status;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.RemoveAll(w => ReferenceEquals(w.Updates, updates));
            }
        }
    }

    private void Publish(string service, ServingStatus? status)
    {
        foreach (var (watched, updates) in _watchers)
        {
            if (watched == service)
            {
                updates.Writer.TryWrite(status);
            }
        }
    }
}
