using Grpc.HealthCheck;
using WireStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ActorChannel.Host.Server.Services;

/// <summary>
/// The statuses the health service reports, switchable at run time. "" stands for the server as a whole.
/// A front over Grpc.HealthCheck's <see cref="HealthServiceImpl"/>, which answers Check and Watch; this
/// keeps the project's <see cref="ServingStatus"/> and remembers which services are known, for
/// <see cref="SetAll"/> and <see cref="Get"/> (HealthServiceImpl offers neither).
/// </summary>
public sealed class HealthStatusRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly HealthServiceImpl _service;

    internal HealthStatusRegistry(HealthServiceImpl service) => _service = service;

    /// <summary>Sets (or adds) a service's status; its watchers are told.</summary>
    public void Set(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            // Under the lock, so concurrent Sets reach HealthServiceImpl in the order they are remembered here.
            _statuses[service] = status;
            _service.SetStatus(service, ToWire(status));
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void Remove(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            _statuses.Remove(service);
            _service.ClearStatus(service);
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

    private static WireStatus ToWire(ServingStatus status) => status switch
    {
        ServingStatus.Serving => WireStatus.Serving,
        ServingStatus.NotServing => WireStatus.NotServing,
        _ => WireStatus.Unknown,
    };
}
