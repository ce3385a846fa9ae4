using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ActorChannel.Host.Server;

/// <summary>
/// Applies <see cref="ServerBehavior"/> (the delay, then fail-with) before every call's handler, except
/// health's: a slow or failing backend still reports its health truthfully.
/// </summary>
/// <param name="time">The delay's clock (a test may pass a virtual one); the delay also ends at the call's deadline.</param>
internal sealed class ServerBehaviorInterceptor(ServerBehavior behavior, TimeProvider time) : Interceptor
{
    private const string HealthPrefix = "/" + "grpc.health.v1.Health" + "/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await ApplyAsync(context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ApplyAsync(context).ConfigureAwait(false);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ApplyAsync(context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ApplyAsync(context).ConfigureAwait(false);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    private async Task ApplyAsync(ServerCallContext context)
    {
        if (context.Method.StartsWith(HealthPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (behavior.Delay is var delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, context.CancellationToken).ConfigureAwait(false);
        }

        if (behavior.FailWith is { } fail)
        {
            throw new RpcException(fail);
        }
    }
}
