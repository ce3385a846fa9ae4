using System.Net;
using System.Net.Http.Headers;

namespace ActorChannel.Transport;

/// <summary>
/// One gRPC call on an HTTP/2 stream (PROTOCOL-HTTP2): builds the request, checks the response
/// headers, reads length-prefixed messages, and ends with the trailers' status. The unary path
/// avoids everything it can do without: one pooled request buffer, pooled receive buffers.
/// </summary>
internal partial class GrpcCall<TRequest, TResponse> : GrpcCallBase
{
    private readonly Method<TRequest, TResponse> _method;
    private string? _responseEncoding;
    private bool _compressRequests;

    public GrpcCall(HttpClientTransport transport, Method<TRequest, TResponse> method, CallOptions options)
        : base(transport, options) =>
        _method = method;

    /// <summary>The message the last successful <see cref="ReadMessageAsync"/> read.</summary>
    protected TResponse LastMessage { get; private set; } = default!;

    protected bool CompressRequests => _compressRequests;

    /// <summary>
    /// The whole unary call in one async method (one state machine): send, check headers, read the
    /// one message, read the trailers.
    /// </summary>
    public async Task<TResponse> UnaryAsync(TRequest request)
    {
        if (Start() is { } early)
        {
            throw early;
        }

        try
        {
            var send = CreateRequest(CreateUnaryContent(request));
            if (Options.Credentials is { } credentials)
            {
                await ApplyCredentialsAsync(credentials, send).ConfigureAwait(false);
            }

            var response = await SendRequestAsync(send).ConfigureAwait(false);
            if (!HeadersReceived(response))
            {
                throw CurrentException();
            }

            CheckResponseHeaders(response);

            // The same reading as ReadSingleResponseAsync, inlined: calling it would add an async state machine
            // to every unary call, the hot path.
            var body = await response.Content.ReadAsStreamAsync(CallToken).ConfigureAwait(false);
            if (!await ReadMessageAsync(body).ConfigureAwait(false))
            {
                throw NoMessage(response);
            }

            var result = LastMessage;
            if (await ReadMessageAsync(body).ConfigureAwait(false))
            {
                throw Fail(new Status(StatusCode.Internal, "The server sent more than one response message to a call that expects one."));
            }

            return FinishFromTrailers(response.TrailingHeaders).Code == StatusCode.OK ? result : throw CurrentException();
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
    }

    /// <summary>Reads the one response of a client-streaming call, then the trailers.</summary>
    protected async Task<TResponse> ReadSingleResponseAsync()
    {
        var response = Response!;
        var body = await response.Content.ReadAsStreamAsync(CallToken).ConfigureAwait(false);
        if (!await ReadMessageAsync(body).ConfigureAwait(false))
        {
            throw NoMessage(response);
        }

        var result = LastMessage;
        if (await ReadMessageAsync(body).ConfigureAwait(false))
        {
            throw Fail(new Status(StatusCode.Internal, "The server sent more than one response message to a call that expects one."));
        }

        return FinishFromTrailers(response.TrailingHeaders).Code == StatusCode.OK ? result : throw CurrentException();
    }

    private RpcException NoMessage(HttpResponseMessage response) =>
        FinishWithoutMessage(response.TrailingHeaders, GrpcHeaderScan.Of(response.TrailingHeaders));

    /// <summary>Counts the call in, arms deadline and cancellation, and checks the requested compression.</summary>
    protected RpcException? Start()
    {
        if (Begin() is { } early)
        {
            return early;
        }

        switch (Options.Compression)
        {
            case null or "" or GrpcCompression.Identity:
                return null;
            case GrpcCompression.Gzip:
                _compressRequests = true;
                return null;
            default:
                return Fail(new Status(StatusCode.Internal, $"Request compression '{Options.Compression}' is not supported (supported: {GrpcCompression.Gzip})."));
        }
    }

    protected HttpContent CreateUnaryContent(TRequest message)
    {
        if (!_compressRequests && _method.RequestMarshaller.PrefixedSerializer is { } prefixed)
        {
            byte[] framed;
            try
            {
                framed = prefixed(message);
            }
            catch (Exception ex)
            {
                throw Fail(new Status(StatusCode.Internal, $"Failed to serialize the request message: {ex.Message}") { DebugException = ex });
            }

            CheckSendLimit(framed.Length - GrpcFraming.HeaderSize);
            GrpcFraming.WriteHeader(framed, false, framed.Length - GrpcFraming.HeaderSize);
            return new UnaryRequestContent(framed);
        }

        return new UnaryRequestContent(GrpcFraming.Frame(Serialize(message), _compressRequests));
    }

    private void CheckSendLimit(int length)
    {
        if (MaxSendMessageSize is { } max && length > max)
        {
            throw Fail(new Status(StatusCode.ResourceExhausted, $"Request message of {length} bytes exceeds the send limit of {max} bytes."));
        }
    }

    /// <summary>Serializes, checks the send limit, and compresses if the call asked for it.</summary>
    protected byte[] Serialize(TRequest message)
    {
        byte[] payload;
        try
        {
            payload = _method.RequestMarshaller.Serializer(message);
        }
        catch (Exception ex)
        {
            throw Fail(new Status(StatusCode.Internal, $"Failed to serialize the request message: {ex.Message}") { DebugException = ex });
        }

        CheckSendLimit(payload.Length);

        return _compressRequests ? GrpcCompression.Compress(GrpcCompression.Gzip, payload) : payload;
    }

    protected HttpRequestMessage CreateRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Transport.UriFor(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        if (Transport.HostHeader is { } host)
        {
            headers.Host = host;
        }

        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", Transport.Options.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcCompression.AcceptEncoding);
        if (Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Encode(timeout));
        }

        if (_compressRequests)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcCompression.Gzip);
        }

        if (Options.Headers is { Count: > 0 } metadata)
        {
            AddMetadata(headers, metadata);
        }

        return request;
    }

    private void AddMetadata(HttpRequestHeaders headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            // Entries were validated when added to Metadata; this only guards against a key the
            // HTTP stack itself refuses, so nothing half-built reaches the wire.
            if (!headers.TryAddWithoutValidation(entry.Key, entry.Value))
            {
                throw Fail(new Status(StatusCode.Internal, $"Metadata key '{entry.Key}' cannot be sent as an HTTP/2 header."));
            }
        }
    }

    /// <summary>Sends the request and checks the response headers: true when messages follow, false for an OK Trailers-Only response.</summary>
    protected async Task<bool> SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response;
        try
        {
            if (Options.Credentials is { } credentials)
            {
                await ApplyCredentialsAsync(credentials, request).ConfigureAwait(false);
            }

            response = await SendRequestAsync(request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }

        if (!HeadersReceived(response))
        {
            throw CurrentException();
        }

        return CheckResponseHeaders(response);
    }

    private bool CheckResponseHeaders(HttpResponseMessage response)
    {
        var httpStatus = (int)response.StatusCode;
        var contentType = HeaderValue(response.Content.Headers, "Content-Type");
        var isGrpc = GrpcProtocol.IsGrpcContentType(contentType);
        var grpc = GrpcHeaderScan.Of(response.Headers);
        if ((isGrpc || httpStatus == 200) && grpc.Status is not null)
        {
            // Trailers-Only: the status is in the headers and no body follows.
            PublishHeaders(response);
            if (_method.Type is MethodType.Unary or MethodType.ClientStreaming)
            {
                throw FinishWithoutMessage(response.Headers, grpc);
            }

            return FinishFromTrailers(response.Headers, grpc).Code == StatusCode.OK ? false : throw CurrentException();
        }

        if (httpStatus != 200 || !isGrpc)
        {
            throw Fail(StatusMapping.StatusForHttpResponse(httpStatus, contentType));
        }

        var encoding = grpc.Encoding;
        if (encoding is not null && !GrpcCompression.IsSupported(encoding))
        {
            throw Fail(new Status(StatusCode.Internal, $"The server compressed its response with grpc-encoding '{encoding}', which this client does not support (supported: {GrpcCompression.AcceptEncoding})."));
        }

        PublishHeaders(response);
        _responseEncoding = encoding is null || string.Equals(encoding, GrpcCompression.Identity, StringComparison.OrdinalIgnoreCase) ? null : encoding;
        return true;
    }

    private async Task ApplyCredentialsAsync(CallCredentials credentials, HttpRequestMessage request)
    {
        if (credentials.RequiresTransportSecurity && !Transport.IsSecure)
        {
            throw Fail(new Status(StatusCode.Unauthenticated, "The call's credentials require transport security, but this connection is plaintext (insecure)."));
        }

        var metadata = new Metadata();
        var serviceUrl = (Transport.IsSecure ? "https://" : "http://") + Transport.Authority + "/" + _method.ServiceName;
        try
        {
            await credentials.ApplyAsync(new CallCredentialsContext(serviceUrl, _method.Name), metadata, CallToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CallCredentialsException(ex);
        }

        AddMetadata(request.Headers, metadata);
    }
}
