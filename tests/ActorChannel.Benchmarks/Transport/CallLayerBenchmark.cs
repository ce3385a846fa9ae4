using System.Net;
using System.Net.Http;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ActorChannel.Transport;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// The call layer alone, without network or server: the same canned HTTP/2 gRPC response from an
/// in-memory handler, read by the bare framing code and by the transport. What is left is exactly
/// what the transport adds per unary call (time and bytes), free of the shared machine's noise.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class CallLayerBenchmark
{
    private static readonly byte[] Reply = GrpcWire.Frame(new StringValue { Value = "Hello world" }.ToByteArray());
    private static readonly StringValue Request = new() { Value = "world" };
    private readonly Uri _uri = new("http://127.0.0.1:1" + GreeterEndpoint.Path);
    private HttpMessageInvoker _bare = null!;
    private HttpClientTransport _transport = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new HttpMessageInvoker(new CannedHandler());
        _transport = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", 1), new TransportOptions(), _ => { }, new CannedHandler());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _ = _transport.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<StringValue> Bare()
    {
        var framed = new byte[5 + Request.CalculateSize()];
        GrpcWire.WriteHeader(framed, framed.Length - 5);
        Request.WriteTo(framed.AsSpan(5));
        var content = new ByteArrayContent(framed);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = content };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await _bare.SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsStreamAsync();
        var header = new byte[5];
        await body.ReadExactlyAsync(header);
        var payload = new byte[GrpcWire.ReadLength(header)];
        await body.ReadExactlyAsync(payload);
        if (await body.ReadAsync(header) != 0)
        {
            throw new InvalidDataException("more than one message");
        }

        var status = response.TrailingHeaders.NonValidated.TryGetValues("grpc-status", out var s) ? s.ToString() : null;
        return status == "0" ? StringValue.Parser.ParseFrom(payload) : throw new InvalidOperationException("status " + status);
    }

    [Benchmark]
    public Task<StringValue> Transport() => UnaryClients.CallAsync(_transport.Invoker);

    /// <summary>Answers every request at once with the same gRPC response (headers, one message, grpc-status 0).</summary>
    internal sealed class CannedHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Drain the request body as the real handler would.
            await request.Content!.CopyToAsync(Stream.Null, cancellationToken);
            var content = new ByteArrayContent(Reply);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = content, RequestMessage = request };
            response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "0");
            return response;
        }
    }

    internal sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10));
    }
}
