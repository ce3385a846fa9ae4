using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Server;

/// <summary>Feeds <see cref="ServerEvents"/>: every call of every service passes here, outermost.</summary>
internal sealed class ServerEventsInterceptor(ServerEvents events, ConnectionTracker connections, ILogger<ServerEventsInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            return true;
        });

    private async Task<T> ObserveAsync<T>(ServerCallContext context, Func<Task<T>> handle)
    {
        events.OnStarted();
        try
        {
            var result = await handle().ConfigureAwait(false);
            events.OnCompleted();
            return result;
        }
        catch (Exception ex) when (CancelledByClient(context, ex))
        {
            // After AbortAll the server cut the call, not the client.
            if (!connections.Aborted)
            {
                logger.LogDebug("Client cancelled {Method}", context.Method);
                events.OnCancelled(context.Method);
            }

            throw;
        }
        catch
        {
            events.OnCompleted();
            throw;
        }
    }

    /// <summary>
    /// The stream went away under the handler. Kestrel may fail a body read with a connection exception before
    /// RequestAborted shows it. A passed deadline is not the client's doing: Grpc.AspNetCore ends such a call
    /// with DEADLINE_EXCEEDED and may reset the stream itself.
    /// </summary>
    private static bool CancelledByClient(ServerCallContext context, Exception ex)
    {
        if (context.Deadline != DateTime.MaxValue && context.Deadline <= DateTime.UtcNow)
        {
            return false;
        }

        return context.GetHttpContext().RequestAborted.IsCancellationRequested || ConnectionGone(ex);
    }

    private static bool ConnectionGone(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is ConnectionAbortedException or ConnectionResetException)
            {
                return true;
            }
        }

        return false;
    }
}
