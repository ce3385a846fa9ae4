using ActorChannel.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>
/// One call on the wire: reads request messages, writes response messages (headers first), and ends
/// with grpc-status in the trailers, or in the headers alone (Trailers-Only) when nothing was sent yet.
/// </summary>
internal sealed class GrpcServerCall
{
    private readonly HttpContext _http;
    private readonly RequestMessageReader _reader;
    private readonly ResponseMessageWriter _writer;
    private readonly bool _compressResponses;
    private bool _headersSent;

    public GrpcServerCall(HttpContext http, ServerCallContext context, string? requestEncoding, bool compressResponses, int maxReceive, int? maxSend)
    {
        _http = http;
        Context = context;
        _compressResponses = compressResponses;
        _reader = new RequestMessageReader(http.Request.BodyReader, requestEncoding, maxReceive);
        _writer = new ResponseMessageWriter(http.Response.BodyWriter, compressResponses, maxSend);
    }

    public ServerCallContext Context { get; }

    public bool ResponseStarted => _headersSent || _http.Response.HasStarted;

    /// <summary>The next request message, or false at the end of the request stream.</summary>
    public async ValueTask<(bool Has, T Message)> ReadAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        var payload = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (payload is null)
        {
            return (false, default!);
        }

        try
        {
            return (true, marshaller.Deserializer(payload));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize the request message: {ex.Message}"));
        }
    }

    /// <summary>The single request of a unary or server-streaming call.</summary>
    public async Task<T> ReadSingleAsync<T>(Marshaller<T> marshaller)
    {
        var (has, message) = await ReadAsync(marshaller, Context.CancellationToken).ConfigureAwait(false);
        if (!has)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The request ended without a message; this method takes exactly one."));
        }

        var (more, _) = await ReadAsync(marshaller, Context.CancellationToken).ConfigureAwait(false);
        return more
            ? throw new RpcException(new Status(StatusCode.Internal, "The request has more than one message; this method takes exactly one."))
            : message;
    }

    public Task WriteAsync<T>(Marshaller<T> marshaller, T message, CancellationToken cancellationToken)
    {
        SendHeaders();
        return _writer.WriteAsync(marshaller.Serializer(message), cancellationToken);
    }

    /// <summary>Ends the call with <paramref name="status"/>; the handler's trailers go with it.</summary>
    public void Complete(Status status, Metadata? extraTrailers = null)
    {
        var response = _http.Response;
        if (!ResponseStarted)
        {
            // Trailers-Only: one HEADERS frame ending the stream, carrying status and trailers.
            response.Headers.Remove("grpc-encoding");
            AppendMetadata(response.Headers, Context.ResponseHeaders);
            AppendStatus((k, v) => response.Headers.Append(k, v), status);
            AppendMetadata(response.Headers, Context.ResponseTrailers);
            AppendMetadata(response.Headers, extraTrailers);
            return;
        }

        if (!response.SupportsTrailers())
        {
            throw new InvalidOperationException("The response does not support trailers (gRPC needs HTTP/2).");
        }

        AppendStatus(response.AppendTrailer, status);
        foreach (var entry in Enumerate(Context.ResponseTrailers, extraTrailers))
        {
            response.AppendTrailer(entry.Key, entry.Value);
        }
    }

    private void SendHeaders()
    {
        if (_headersSent)
        {
            return;
        }

        _headersSent = true;
        if (_compressResponses)
        {
            _http.Response.Headers["grpc-encoding"] = GrpcCompression.Gzip;
        }

        AppendMetadata(_http.Response.Headers, Context.ResponseHeaders);
    }

    private static void AppendStatus(Action<string, Microsoft.Extensions.Primitives.StringValues> append, Status status)
    {
        append("grpc-status", ((int)status.Code).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            append("grpc-message", GrpcMessageEncoding.Encode(status.Detail));
        }
    }

    private static void AppendMetadata(IHeaderDictionary headers, Metadata? metadata)
    {
        foreach (var entry in Enumerate(metadata, null))
        {
            headers.Append(entry.Key, entry.Value);
        }
    }

    private static IEnumerable<Metadata.Entry> Enumerate(Metadata? first, Metadata? second) =>
        (first ?? Metadata.Empty).Concat(second ?? Metadata.Empty);
}
