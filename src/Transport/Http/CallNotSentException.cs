using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>
/// A call that never reached the server: the connection was gone, closing or refused to dial again. It is an
/// <see cref="IOException"/> so Grpc.Net.Client reports the call UNAVAILABLE, if the connection's
/// <see cref="TransportOptions.Reroute"/> did not move it to another connection first (gRFC A6: the server never
/// processed it).
/// </summary>
public sealed class CallNotSentException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>Reads a failed call for what the transparent retry needs to know.</summary>
public static class CallFailures
{
    private const long RefusedStream = (long)Http2ErrorCode.RefusedStream;

    /// <summary>An UNAVAILABLE call the server provably never processed, so a new attempt cannot run it twice.</summary>
    /// <remarks>
    /// Proof is one of: our gate refused it (<see cref="CallNotSentException"/>); the handler found no connection
    /// to send it on (<see cref="HttpRequestError.ConnectionError"/>, which includes a stream past a GOAWAY's last
    /// stream id, which SocketsHttpHandler moves to a new connection that ours refuses to dial); or the server reset it with
    /// REFUSED_STREAM.
    /// </remarks>
    public static bool NotProcessed(RpcException error) =>
        error.StatusCode == StatusCode.Unavailable && NotProcessed(error.Status.DebugException);

    /// <summary>The same proof read from a failure's exception chain, before Grpc.Net.Client made a status of it.</summary>
    public static bool NotProcessed(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case CallNotSentException:
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                case HttpProtocolException { ErrorCode: RefusedStream }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The failure a transport (or a fake one) gives a call it never sent.</summary>
    public static RpcException NotSent(string detail) =>
        new(new Status(StatusCode.Unavailable, detail, new CallNotSentException(detail)));
}
