namespace ActorChannel.Transport;

/// <summary>
/// Sits between Grpc.Net.Client and the transport's SocketsHttpHandler: a request passes only while the connection
/// takes calls, and is counted until its response is disposed, so a graceful close knows when the last call ended.
/// A request this connection never processed goes to <see cref="TransportOptions.Reroute"/>, once, before
/// Grpc.Net.Client sees the failure: that is the channel's transparent retry, and it costs a call that succeeds nothing.
/// </summary>
internal sealed class CallGate(HttpClientTransport transport, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly HttpRequestOptionsKey<bool> Rerouted = new("ActorChannel.Rerouted");

    // Grpc.Net.Client marks a wait-for-ready call's request so (for its own balancer); a transport test pins the name.
    private static readonly HttpRequestOptionsKey<bool> WaitForReady = new("WaitForReady");

    private string? _userAgent;

    /// <summary>A request another connection's gate moved here; it is not moved again.</summary>
    internal Task<HttpResponseMessage> SendMovedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler keys its connection by the request's scheme and authority: a request made out for the other
        // connection's (a channel's connections share one, but not every owner's do) would ask for a second connection.
        if (request.RequestUri is { } uri && Uri.Compare(uri, transport.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            request.RequestUri = new Uri(transport.BaseUri, uri.PathAndQuery);
        }

        request.Headers.Host = transport.HostHeader;
        return SendAsync(request, cancellationToken);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (transport.TryStartCall() is { } gone)
        {
            var refused = new CallNotSentException($"The request was not sent: {gone}.");
            return CanMove(request) ? MoveAsync(request, refused, cancellationToken) : Task.FromException<HttpResponseMessage>(refused);
        }

        if (transport.HostHeader is { } host)
        {
            request.Headers.Host = host;
        }

        if (transport.Options.UserAgent is { } product)
        {
            SetUserAgent(request, product);
        }

        return SendCountedAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCountedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A streaming request body gets a token cancelled once Grpc.Net.Client disposes the response, that is when the
        // call is over for it: a write still waiting then (one the server's early end left waiting for flow control) is
        // aborted and the stream reset, as PROTOCOL-HTTP2's "Early Server Closure" asks, instead of holding the stream
        // to the deadline. A one-message body is written at once and needs neither the token nor the wrapper, so unary
        // and server-streaming calls, the hot path, pay for neither.
        CancellationTokenSource? callOver = null;
        if (request.Content is { } body && !CallRequestContent.IsOneMessage(body))
        {
            callOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            request.Content = new CallRequestContent(body, cancellationToken, callOver.Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, callOver?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            callOver?.Dispose();
            transport.EndCall();
            var explained = transport.Explain(e);
            if (callOver is null && CallFailures.NotProcessed(explained) && CanMove(request))
            {
                return await MoveAsync(request, explained, cancellationToken).ConfigureAwait(false);
            }

            throw explained;
        }

        SynthesizedStatus.AddIfNotGrpc(response);
        response.Content = new CallEndContent(response, transport, callOver);
        return response;
    }

    /// <summary>
    /// Only a request with at most one message in its body moves: a streaming body may be partly read, and
    /// SocketsHttpHandler's replay of it is refused (<see cref="CallRequestContent"/>).
    /// </summary>
    private bool CanMove(HttpRequestMessage request) =>
        transport.Options.Reroute is not null
        && (request.Content is null || CallRequestContent.IsOneMessage(request.Content))
        && !request.Options.TryGetValue(Rerouted, out _);

    private async Task<HttpResponseMessage> MoveAsync(HttpRequestMessage request, Exception failure, CancellationToken cancellationToken)
    {
        request.Options.Set(Rerouted, true);
        var call = new ReroutedCall(request.RequestUri!.AbsolutePath, request.Options.TryGetValue(WaitForReady, out var waits) && waits);
        var next = await transport.Options.Reroute!(transport, call, cancellationToken).ConfigureAwait(false);
        if (next?.SendMovedAsync(request, cancellationToken) is { } sent)
        {
            return await sent.ConfigureAwait(false);
        }

        // Declined, or a connection that takes no HTTP request: the call fails as it would have.
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return null!;
    }

    private void SetUserAgent(HttpRequestMessage request, string product)
    {
        var combined = Volatile.Read(ref _userAgent);
        if (combined is null)
        {
            var own = request.Headers.UserAgent.ToString();
            combined = own.Length == 0 ? product : product + " " + own;
            Volatile.Write(ref _userAgent, combined);
        }

        request.Headers.Remove("User-Agent");
        request.Headers.TryAddWithoutValidation("User-Agent", combined);
    }
}
