using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>
/// A bare HTTP/2 gRPC client for looking at our server's wire output (headers, Trailers-Only, raw
/// grpc-message) independently of the project's transport. Test-only.
/// </summary>
public sealed class RawGrpcClient : IDisposable
{
    private readonly HttpClient _http;

    public RawGrpcClient(Uri baseAddress, bool trustAnyCertificate = false)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        if (trustAnyCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        _http = new HttpClient(handler) { BaseAddress = baseAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static byte[] Frame(IMessage message, bool compressed = false, byte[]? payload = null)
    {
        var body = payload ?? message.ToByteArray();
        var framed = new byte[5 + body.Length];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>Sends one request body and reads the whole response.</summary>
    public async Task<RawResponse> SendAsync(string path, byte[] body, IEnumerable<(string Key, string Value)>? headers = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (key, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            (int)response.StatusCode,
            Flatten(response.Headers.Concat(response.Content.Headers)),
            Flatten(response.TrailingHeaders),
            Messages(bytes));
    }

    /// <summary>Starts a call and returns as soon as the response headers arrived; read messages as they come.</summary>
    public async Task<RawStream> OpenAsync(string path, byte[] body, IEnumerable<(string Key, string Value)>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        foreach (var (key, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new RawStream(request, response, await response.Content.ReadAsStreamAsync());
    }

    public void Dispose() => _http.Dispose();

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));

    private static List<byte[]> Messages(byte[] body)
    {
        var list = new List<byte[]>();
        for (var at = 0; at + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 1));
            list.Add(body.AsSpan(at + 5, length).ToArray());
            at += 5 + length;
        }

        return list;
    }
}

public sealed record RawResponse(int HttpStatus, Dictionary<string, string> Headers, Dictionary<string, string> Trailers, List<byte[]> Messages)
{
    /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    public string? RawGrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message");

    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Messages.Count == 0;
}

/// <summary>A response read message by message, for streaming calls.</summary>
public sealed class RawStream(HttpRequestMessage request, HttpResponseMessage response, Stream body) : IDisposable
{
    public HttpResponseMessage Response => response;

    /// <summary>The next message, or null at the end of the response body.</summary>
    public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var header = new byte[5];
        if (!await FillAsync(header, cancellationToken))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        return await FillAsync(payload, cancellationToken) || payload.Length == 0 ? payload : throw new EndOfStreamException("The response ended inside a message.");
    }

    /// <summary>grpc-status from the trailers (after the body ended) or from a Trailers-Only response.</summary>
    public string? GrpcStatus =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
        : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : null;

    public void Dispose()
    {
        body.Dispose();
        response.Dispose();
        request.Dispose();
    }

    private async Task<bool> FillAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("The response ended inside a message.");
            }

            read += n;
        }

        return true;
    }
}
