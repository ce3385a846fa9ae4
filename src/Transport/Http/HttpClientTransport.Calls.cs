using System.Net;
using Grpc.Core;
using Grpc.Net.Client;

namespace ActorChannel.Transport;

public sealed partial class HttpClientTransport
{
    private readonly CallGate _callGate;
    private readonly object _channelsGate = new();
    private (int? Send, int? Receive, CallKindInvoker Invoker)[] _channels = [];
    private HttpClient? _gateClient;

    /// <summary>
    /// Calls on this connection with smaller message limits than the connection's (a method config's); the
    /// smaller of each pair wins, grpc-go's rule. Grpc.Net.Client takes limits per channel only, so each distinct
    /// pair gets its own GrpcChannels over the same handler (made once, on first use; a service config has few).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative (zero lets only empty messages through).</exception>
    public CallInvoker InvokerFor(int? maxSendMessageSize, int? maxReceiveMessageSize)
    {
        if (maxSendMessageSize is { } s)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(s, nameof(maxSendMessageSize));
        }

        if (maxReceiveMessageSize is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r, nameof(maxReceiveMessageSize));
        }

        var send = Smaller(maxSendMessageSize, Options.MaxSendMessageSize);
        var receive = Smaller(maxReceiveMessageSize, Options.MaxReceiveMessageSize);
        foreach (var entry in Volatile.Read(ref _channels))
        {
            if (entry.Send == send && entry.Receive == receive)
            {
                return entry.Invoker;
            }
        }

        lock (_channelsGate)
        {
            foreach (var entry in _channels)
            {
                if (entry.Send == send && entry.Receive == receive)
                {
                    return entry.Invoker;
                }
            }

            var invoker = new CallKindInvoker(this, send, receive);
            Volatile.Write(ref _channels, [.. _channels, (send, receive, invoker)]);
            return invoker;
        }
    }

    /// <summary>A GrpcChannel for one pair of limits and one kind of request body; see <see cref="CallKindInvoker"/>.</summary>
    internal CallInvoker CreateInvoker(int? send, int? receive, bool streamingBody)
    {
        var options = new GrpcChannelOptions
        {
            DisposeHttpClient = false,
            Credentials = Security.CallCredentials is { } perCall ? ChannelCredentials.Create(IsSecure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, perCall) : null,
            UnsafeUseInsecureChannelCallCredentials = Options.UnsafeUseInsecureChannelCallCredentials,
            MaxSendMessageSize = send,
            MaxReceiveMessageSize = receive,
            HttpVersion = HttpVersion.Version20,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (streamingBody)
        {
            options.HttpHandler = _callGate;
        }
        else
        {
            // The timeout is off: the default 100 s would cut long server streams; the call's deadline is Grpc.Net.Client's.
            options.HttpClient = LazyInitializer.EnsureInitialized(ref _gateClient, () => new HttpClient(_callGate, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });
        }

        return GrpcChannel.ForAddress(BaseUri, options).CreateCallInvoker();
    }

    /// <summary>Through this connection's gate, which counts it and, having been moved once, does not move it again.</summary>
    Task<HttpResponseMessage>? IClientTransport.SendMovedAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _callGate.SendMovedAsync(request, cancellationToken);

    private static int? Smaller(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    /// <summary>
    /// Says why a request failed in the handler, keeping the handler's exception as the cause. Grpc.Net.Client puts
    /// the message in the call's status and maps an IOException to UNAVAILABLE. <paramref name="responseStarted"/>
    /// is set for a failure while reading the response body: that request was sent, whatever the handler says.
    /// </summary>
    internal Exception Explain(Exception error, bool responseStarted = false)
    {
        if (error is OperationCanceledException || error is CallNotSentException)
        {
            // The caller's cancellation or deadline: Grpc.Net.Client reports those itself.
            return error;
        }

        var neverSent = !responseStarted && Find<HttpRequestException>(error) is { HttpRequestError: HttpRequestError.ConnectionError };
        if (LostReasonForCall() is { } lost && Find<HttpProtocolException>(error) is not { ErrorCode: (long)Http2ErrorCode.RefusedStream })
        {
            return Gone(lost, neverSent, error);
        }

        if (ClosedLocally)
        {
            return Gone($"the transport to {Address} was closed by its owner", neverSent, error);
        }

        if (neverSent)
        {
            return new CallNotSentException($"The request was not sent: {GoneReason ?? Innermost(error)}.", error);
        }

        if (ProtocolFailure is { } notHttp2)
        {
            return Gone(notHttp2, neverSent: false, error);
        }

        return error;
    }

    /// <summary>
    /// A call that failed because the connection is gone. Grpc.Net.Client takes an HTTP/2 error code found anywhere in
    /// the exception chain for the stream's RST_STREAM code (PROTOCOL_ERROR would make it INTERNAL); a call lost with its
    /// connection is UNAVAILABLE whatever code the handler aborted the connection with (a keepalive timeout, a GOAWAY's),
    /// so such a cause is named in the message instead of chained.
    /// </summary>
    private static IOException Gone(string reason, bool neverSent, Exception cause)
    {
        var chain = Find<HttpProtocolException>(cause) is null;
        var text = chain ? reason : $"{reason} ({Innermost(cause)})";
        return neverSent
            ? new CallNotSentException($"The request was not sent: {text}.", chain ? cause : null)
            : new IOException(Capitalize(text) + ".", chain ? cause : null);
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Innermost(Exception e)
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
