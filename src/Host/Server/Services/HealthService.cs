using ActorChannel.Host.Clients;
using ActorChannel.Host.Server.Grpc;
using ActorChannel.Transport;
using Grpc.Health.V1;
using WireStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ActorChannel.Host.Server.Services;

/// <summary>grpc.health.v1.Health over a <see cref="HealthStatusRegistry"/>; not subject to the server's delay and fail-with options.</summary>
internal sealed class HealthService(HealthStatusRegistry registry, CancellationToken serverStopping)
{
    public void Register(ServiceRegistry services) => services
        .AddUnary(HealthMethods.Check, CheckAsync, subjectToBehavior: false)
        .AddServerStreaming(HealthMethods.Watch, WatchAsync, subjectToBehavior: false);

    private Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context) =>
        registry.Get(request.Service) is { } status
            ? Task.FromResult(new HealthCheckResponse { Status = ToWire(status) })
            : throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));

    private async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        // A graceful stop must not wait for watch streams, which never end by themselves: the
        // stop sets NOT_SERVING first (sent below), then ends them.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, serverStopping);
        try
        {
            await foreach (var status in registry.WatchAsync(request.Service, linked.Token).ConfigureAwait(false))
            {
                var wire = status is { } s ? ToWire(s) : WireStatus.ServiceUnknown;
                await responses.WriteAsync(new HealthCheckResponse { Status = wire }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (serverStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down."));
        }
    }

    private static WireStatus ToWire(ServingStatus status) => status switch
    {
        ServingStatus.Serving => WireStatus.Serving,
        ServingStatus.NotServing => WireStatus.NotServing,
        _ => WireStatus.Unknown,
    };
}
