using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>
/// The response body of one call, handed to Grpc.Net.Client in place of the handler's: it disposes the response
/// when the call is over (or the caller disposed it), and that is when the transport counts the call as ended.
/// Its stream (<see cref="CallBodyStream"/>) explains a read that failed because the connection went away.
/// </summary>
internal sealed class CallEndContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HttpResponseMessage _response;
    private readonly HttpClientTransport _owner;
    private readonly CancellationTokenSource? _callOver;
    private HttpClientTransport? _transport;

    /// <param name="callOver">The streaming request body's token source, cancelled at the end of the call (see <see cref="CallGate"/>); null for a one-message body.</param>
    public CallEndContent(HttpResponseMessage response, HttpClientTransport transport, CancellationTokenSource? callOver)
    {
        _callOver = callOver;
        _inner = response.Content;
        _response = response;
        _owner = transport;
        _transport = transport;

        // Grpc.Net.Client reads only the content type from the content headers.
        Headers.ContentType = _inner.Headers.ContentType;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        // The handler's body stream is ready once the headers are in: no state machine for the usual synchronous case.
        var stream = _inner.ReadAsStreamAsync(cancellationToken);
        return stream.IsCompletedSuccessfully
            ? Task.FromResult<Stream>(new CallBodyStream(stream.Result, _response, _owner))
            : WrapAsync(stream);
    }

    private async Task<Stream> WrapAsync(Task<Stream> stream) => new CallBodyStream(await stream.ConfigureAwait(false), _response, _owner);

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
        if (disposing && Interlocked.Exchange(ref _transport, null) is { } transport)
        {
            _callOver?.Cancel();
            _inner.Dispose();
            _callOver?.Dispose();
            transport.EndCall();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// The response body stream of one call as Grpc.Net.Client reads it. A read that fails because the connection was
/// lost or closed by the owner says so (<see cref="HttpClientTransport.Explain"/>), as a failure before the response
/// headers does; bytes are passed through untouched.
/// </summary>
/// <remarks>
/// It follows the gRPC message boundaries (the 5-byte prefixes; payloads are skipped, never copied) for the one case
/// Grpc.Net.Client gets wrong: a declared length above <see cref="int.MaxValue"/> is over any receive limit, which
/// gRPC reports as RESOURCE_EXHAUSTED, where Grpc.Net.Client fails the call INTERNAL ("Message too large").
/// At the end of the body, trailers without grpc-status get one synthesized (<see cref="SynthesizedStatus"/>).
/// </remarks>
internal sealed class CallBodyStream(Stream inner, HttpResponseMessage response, HttpClientTransport transport) : Stream
{
    private const int PrefixSize = 5;

    private int _prefixFill;
    private uint _declared;
    private long _payloadLeft;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read;
        try
        {
            read = inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (Explained(e) is { } explained)
        {
            return ValueTask.FromException<int>(explained);
        }

        return read.IsCompletedSuccessfully ? new ValueTask<int>(Observe(buffer.Span, read.Result)) : AwaitReadAsync(read, buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (Exception e) when (Explained(e) is { } explained)
        {
            throw explained;
        }

        return Observe(buffer, n);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read, Memory<byte> buffer)
    {
        int n;
        try
        {
            n = await read.ConfigureAwait(false);
        }
        catch (Exception e) when (Explained(e) is { } explained)
        {
            throw explained;
        }

        return Observe(buffer.Span, n);
    }

    private int Observe(ReadOnlySpan<byte> buffer, int n)
    {
        if (n == 0 && !buffer.IsEmpty)
        {
            // The end of the body (a zero-byte read into an empty buffer only waits for data): the trailers are in.
            SynthesizedStatus.AddIfMissing(response.TrailingHeaders, response.Headers, "the server ended the response without a grpc-status (HTTP 200)");
            return 0;
        }

        var data = buffer[..n];
        while (!data.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, data.Length);
                _payloadLeft -= skip;
                data = data[skip..];
                continue;
            }

            // Prefix byte 0 is the compressed flag, 1-4 the length (big-endian).
            if (_prefixFill > 0)
            {
                _declared = (_declared << 8) | data[0];
            }

            data = data[1..];
            if (++_prefixFill == PrefixSize)
            {
                if (_declared > int.MaxValue)
                {
                    throw new RpcException(new Status(
                        StatusCode.ResourceExhausted,
                        $"Received message of {_declared} bytes exceeds the maximum message size ({int.MaxValue} bytes)."));
                }

                _payloadLeft = _declared;
                _prefixFill = 0;
                _declared = 0;
            }
        }

        return n;
    }

    /// <summary>The exception to throw instead of <paramref name="error"/>, or null to let it pass as it is.</summary>
    private Exception? Explained(Exception error)
    {
        if (error is OperationCanceledException or ObjectDisposedException)
        {
            // Grpc.Net.Client's own cancellation, deadline or disposal of the response: it reports those itself.
            return null;
        }

        var explained = transport.Explain(error, responseStarted: true);
        return ReferenceEquals(explained, error) ? null : explained;
    }
}

/// <summary>
/// PROTOCOL-HTTP2: a response that omits grpc-status must be given a synthesized status, and the status for an HTTP 200
/// without one is UNKNOWN (http-grpc-status-mapping.md). Grpc.Net.Client reports such a response CANCELLED, as if the
/// caller had cancelled it; the transport writes the status the spec asks for where Grpc.Net.Client looks for one.
/// </summary>
internal static class SynthesizedStatus
{
    private const string StatusHeader = "grpc-status";

    /// <summary>Adds grpc-status UNKNOWN and a grpc-message to <paramref name="target"/> unless either set of headers has a status.</summary>
    public static void AddIfMissing(HttpHeaders target, HttpHeaders other, string why)
    {
        if (target.Contains(StatusHeader) || other.Contains(StatusHeader))
        {
            return;
        }

        target.TryAddWithoutValidation(StatusHeader, ((int)StatusCode.Unknown).ToString(CultureInfo.InvariantCulture));
        target.TryAddWithoutValidation("grpc-message", Uri.EscapeDataString(char.ToUpperInvariant(why[0]) + why[1..] + "."));
    }

    /// <summary>For an HTTP 200 whose content type is not gRPC's (or missing): the status goes in the headers, a Trailers-Only response.</summary>
    public static void AddIfNotGrpc(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK || IsGrpc(response.Content.Headers.ContentType?.MediaType))
        {
            return;
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        AddIfMissing(response.Headers, response.TrailingHeaders, type is null
            ? "the server's response (HTTP 200) has no content-type: it is not a gRPC response"
            : $"the server's response (HTTP 200, content-type {type}) is not a gRPC response");
    }

    private static bool IsGrpc(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/grpc", StringComparison.OrdinalIgnoreCase) || mediaType.StartsWith("application/grpc+", StringComparison.OrdinalIgnoreCase));
}
