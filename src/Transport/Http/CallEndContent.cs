using System.Net;

namespace ActorChannel.Transport;

/// <summary>
/// The response body of one call, handed to Grpc.Net.Client in place of the handler's: it disposes the response
/// when the call is over (or the caller disposed it), and that is when the transport counts the call as ended.
/// </summary>
internal sealed class CallEndContent : HttpContent
{
    private readonly HttpContent _inner;
    private HttpClientTransport? _transport;

    public CallEndContent(HttpContent inner, HttpClientTransport transport)
    {
        _inner = inner;
        _transport = transport;

        // Grpc.Net.Client reads only the content type from the content headers.
        Headers.ContentType = inner.Headers.ContentType;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => _inner.ReadAsStreamAsync();

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => _inner.ReadAsStreamAsync(cancellationToken);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(stream, context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            Interlocked.Exchange(ref _transport, null)?.EndCall();
        }

        base.Dispose(disposing);
    }
}
