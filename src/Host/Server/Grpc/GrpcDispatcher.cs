using ActorChannel.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>
/// The one request delegate of the server: checks the request is gRPC, routes it by :path, sets up
/// the deadline and compression, runs the handler, and turns its outcome into a gRPC status.
/// </summary>
internal sealed class GrpcDispatcher(ServiceRegistry registry, ServerBehavior behavior, ServerEvents events, ConnectionTracker connections, GreeterServerOptions options, ILogger logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var response = http.Response;
        var path = http.Request.Path.Value ?? "";
        if (!IsGrpcRequest(http.Request))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            response.Headers["grpc-status"] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = GrpcMessageEncoding.Encode("Content-Type '" + http.Request.ContentType + "' is not supported; gRPC needs application/grpc over HTTP/2 POST.");
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-accept-encoding"] = GrpcCompression.AcceptEncoding;

        var encoding = http.Request.Headers["grpc-encoding"].ToString();
        var rejection = Reject(path, encoding, http.Request.Headers["grpc-timeout"].ToString(), out var timeout, out var method);
        using var deadlineCts = timeout is { } t ? new CancellationTokenSource(t, options.TimeProvider) : new CancellationTokenSource();
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(deadlineCts.Token, http.RequestAborted);
        var context = new ServerCallContext(
            path,
            $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}",
            ReadMetadata(http.Request.Headers),
            timeout is { } d ? options.TimeProvider.GetUtcNow() + d : null,
            callCts.Token,
            options.TimeProvider)
        {
            RequestEncoding = encoding.Length == 0 || encoding == GrpcCompression.Identity ? null : encoding,
        };
        // Replies are compressed when the client compressed its request and accepts gzip: the server follows the client's choice.
        var compressResponses = encoding == GrpcCompression.Gzip && http.Request.Headers["grpc-accept-encoding"].ToString().Contains(GrpcCompression.Gzip, StringComparison.Ordinal);
        var call = new GrpcServerCall(http, context, encoding.Length == 0 ? null : encoding, compressResponses, options.MaxReceiveMessageSize, options.MaxSendMessageSize);
        if (rejection is { } rejected)
        {
            call.Complete(rejected);
            return;
        }

        events.OnStarted();
        Status status;
        Metadata? trailers = null;
        try
        {
            await ApplyBehaviorAsync(method!, context).ConfigureAwait(false);
            await method!.InvokeAsync(call).ConfigureAwait(false);
            status = Status.Ok;
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested || ConnectionGone(ex))
        {
            OnClientCancelled(path);
            return;
        }
        catch (Exception) when (deadlineCts.IsCancellationRequested)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded");
        }
        catch (RpcException ex)
        {
            status = ex.Status;
            trailers = ex.Trailers;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Handler of {Method} threw", path);
            status = new Status(StatusCode.Unknown, "Exception was thrown by handler.");
        }

        if (http.RequestAborted.IsCancellationRequested)
        {
            OnClientCancelled(path);
            return;
        }

        call.Complete(status, trailers);
        events.OnCompleted();
    }

    private Status? Reject(string path, string encoding, string timeoutText, out TimeSpan? timeout, out RegisteredMethod? method)
    {
        timeout = null;
        if (!registry.TryGet(path, out method))
        {
            return new Status(StatusCode.Unimplemented, $"Method not found: {path}");
        }

        if (!GrpcCompression.IsSupported(encoding))
        {
            return new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; this server accepts {GrpcCompression.AcceptEncoding}.");
        }

        if (timeoutText.Length > 0)
        {
            if (!GrpcTimeout.TryDecode(timeoutText, out var t))
            {
                return new Status(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutText}'.");
            }

            timeout = t;
        }

        return null;
    }

    private async Task ApplyBehaviorAsync(RegisteredMethod method, ServerCallContext context)
    {
        if (!method.SubjectToBehavior)
        {
            return;
        }

        if (behavior.Delay is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, options.TimeProvider, context.CancellationToken).ConfigureAwait(false);
        }

        if (behavior.FailWith is { } fail)
        {
            throw new RpcException(fail);
        }
    }

    /// <summary>
    /// The connection went away under the handler (the client reset it, or this server was aborted). Kestrel may fail
    /// the body's read with this before RequestAborted shows it; it is not the handler's fault, so no error is logged.
    /// </summary>
    private static bool ConnectionGone(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is Microsoft.AspNetCore.Connections.ConnectionAbortedException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                return true;
            }
        }

        return false;
    }

    private void OnClientCancelled(string path)
    {
        if (connections.Aborted)
        {
            return; // the server cut the call, not the client
        }

        logger.LogDebug("Client cancelled {Method}", path);
        events.OnCancelled(path);
    }

    private static bool IsGrpcRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.ContentType is { } ct
        && (ct.Equals("application/grpc", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/grpc+", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/grpc;", StringComparison.OrdinalIgnoreCase));

    private static Metadata ReadMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                if (value is not null)
                {
                    MetadataHeaders.TryAddReceived(metadata, name, value);
                }
            }
        }

        return metadata;
    }
}
