namespace ActorChannel.Transport;

/// <summary>
/// Sits between Grpc.Net.Client and the transport's SocketsHttpHandler: a request passes only while the connection
/// takes calls, and is counted until its response is disposed, so a graceful close knows when the last call ended.
/// </summary>
internal sealed class CallGate(HttpClientTransport transport, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private string? _userAgent;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (transport.TryStartCall() is { } gone)
        {
            return Task.FromException<HttpResponseMessage>(new CallNotSentException($"The request was not sent: {gone}."));
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
            throw transport.Explain(e);
        }

        SynthesizedStatus.AddIfNotGrpc(response);
        response.Content = new CallEndContent(response, transport, callOver);
        return response;
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
