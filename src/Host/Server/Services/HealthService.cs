using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace ActorChannel.Host.Server.Services;

/// <summary>
/// grpc.health.v1.Health: Grpc.HealthCheck's <see cref="HealthServiceImpl"/>, whose watch streams also end when
/// the server stops. A graceful stop waits for the calls in flight, and a watch never ends by itself: the stop
/// sets NOT_SERVING first (the watchers are sent it), then fires <paramref name="serverStopping"/>, which ends
/// each watch with UNAVAILABLE, as the client's cue to look elsewhere.
/// </summary>
internal sealed class HealthService(CancellationToken serverStopping) : HealthServiceImpl
{
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, serverStopping);
        try
        {
            await base.Watch(request, responseStream, new StoppableCallContext(context, linked.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppedByServer(context))
        {
        }

        if (StoppedByServer(context))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down."));
        }
    }

    private bool StoppedByServer(ServerCallContext context) =>
        serverStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested;
}
