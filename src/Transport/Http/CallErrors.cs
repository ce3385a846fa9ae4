using System.Net.Http;

namespace ActorChannel.Transport;

/// <summary>Turns what went wrong under a call (handler exceptions, connection state) into its gRPC status.</summary>
internal static class CallErrors
{
    public static (Status Status, bool NotProcessed) Map(Exception error, HttpClientTransport transport, GrpcCallBase call)
    {
        switch (error)
        {
            case RpcException rpc:
                return (rpc.Status, rpc.NotProcessed);
            case GrpcMessageTooLargeException big:
                return (new Status(StatusCode.ResourceExhausted, $"Received message of {big.Length} bytes exceeds the limit of {big.Limit} bytes."), false);
            case InvalidDataException bad:
                return (new Status(StatusCode.Internal, "Invalid gRPC response: " + bad.Message) { DebugException = bad }, false);
            case CallCredentialsException creds:
                return (new Status(StatusCode.Unavailable, "Call credentials failed: " + creds.InnerException?.Message) { DebugException = creds.InnerException }, false);
        }

        if (transport.LostReason is { } lost && Find<HttpProtocolException>(error) is not { ErrorCode: (long)Http2ErrorCode.RefusedStream })
        {
            // The connection died under the call: that is the cause, whether the handler's error or the
            // owner's Close (which usually follows the loss) reached the call first.
            var neverSent = Find<HttpRequestException>(error) is { HttpRequestError: HttpRequestError.ConnectionError };
            return (Unavailable(neverSent ? $"the request was not sent: {lost}" : lost, error), neverSent);
        }

        if (transport.ClosedLocally)
        {
            var neverSent = Find<HttpRequestException>(error) is { HttpRequestError: HttpRequestError.ConnectionError };
            return (Unavailable($"{(neverSent ? "the request was not sent: " : "")}the transport to {transport.Address} was closed by its owner", error), neverSent);
        }

        if (Find<HttpRequestException>(error) is { HttpRequestError: HttpRequestError.ConnectionError } never)
        {
            // Never sent: the handler found no usable connection (ours refuses a second one).
            return (Unavailable($"the request was not sent: {transport.GoneReason ?? Inner(never)}", error), true);
        }

        if (transport.ProtocolFailure is { } notHttp2)
        {
            return (Unavailable(notHttp2, error), false);
        }

        if (Find<HttpProtocolException>(error) is { } protocol)
        {
            var code = (Http2ErrorCode)protocol.ErrorCode;
            if (code == Http2ErrorCode.RefusedStream)
            {
                return (StatusMapping.StatusForRstStream(code) with { DebugException = error }, true);
            }

            // A GOAWAY or a dead connection explains the error better than the code the handler reports.
            if (transport.GoneReason is { } gone && code != Http2ErrorCode.Cancel)
            {
                return (Unavailable($"the connection was lost: {gone}", error), false);
            }

            return (StatusMapping.StatusForRstStream(code, call.DeadlinePassed) with { DebugException = error }, false);
        }

        return error switch
        {
            // Every cancellation of ours (Dispose, the caller's token, the deadline) finishes the call before it cancels
            // anything, and Fail maps only unfinished calls: a bare cancellation here comes from the handler itself,
            // which cancels a streaming request body when the server resets the stream before responding. The reset's
            // code is not passed on, so the call cannot tell REFUSED_STREAM from an error: UNAVAILABLE, not CANCELLED,
            // which means the client cancelled.
            OperationCanceledException => (Unavailable("the server reset the stream before responding (the HTTP/2 handler reported only a cancellation)", error), false),
            HttpRequestException or IOException or ObjectDisposedException =>
                (Unavailable($"the connection was lost: {transport.GoneReason ?? error.Message}", error), false),
            _ => (new Status(StatusCode.Internal, $"Unexpected error in the call: {error.GetType().Name}: {error.Message}") { DebugException = error }, false),
        };
    }

    /// <summary>The invoker was disposed (the owner closed the transport) before the request reached it: never sent.</summary>
    public static Status NotSent(HttpClientTransport transport, ObjectDisposedException error) =>
        Unavailable($"the request was not sent: {transport.GoneReason ?? $"the transport to {transport.Address} was closed"}", error);

    private static Status Unavailable(string detail, Exception error) =>
        new(StatusCode.Unavailable, char.ToUpperInvariant(detail[0]) + detail[1..] + ".") { DebugException = error };

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message.TrimEnd('.');
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }

        return null;
    }
}

/// <summary>Call credentials threw while producing metadata.</summary>
internal sealed class CallCredentialsException(Exception inner) : Exception("Call credentials failed.", inner);
