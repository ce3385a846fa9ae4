using Grpc.Core;
using System.Net;
using System.Net.Http;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ActorChannel.Transport;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>One unary SayHello per call, three ways: the floor (bare HttpMessageInvoker), the floor plus our frame observer, and the transport.</summary>
internal static class UnaryClients
{
    private static readonly StringValue Request = new() { Value = "world" };

    public static readonly Method<StringValue, StringValue> SayHello = new(
        MethodType.Unary, "helloworld.Greeter", "SayHello", Marshallers.Create(static m => m.ToByteArray(), StringValue.Parser.ParseFrom), Marshallers.Create(static m => m.ToByteArray(), StringValue.Parser.ParseFrom));

    /// <summary>The floor for .NET: what any gRPC client on SocketsHttpHandler must at least do.</summary>
    public sealed class Bare : IDisposable
    {
        private readonly HttpMessageInvoker _invoker;
        private readonly Uri _uri;
        private readonly bool _grpcHeaders;
        private readonly CancellationTokenSource? _token;

        /// <param name="grpcHeaders">Also send the user-agent and grpc-accept-encoding headers the transport sends, to tell their cost apart.</param>
        public Bare(int port, bool observeFrames, bool grpcHeaders = false, bool cancellable = false)
        {
            _grpcHeaders = grpcHeaders;
            _token = cancellable ? new CancellationTokenSource() : null;
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ActivityHeadersPropagator = null,
                UseProxy = false,
                UseCookies = false,
            };
            if (observeFrames)
            {
                handler.PlaintextStreamFilter = (ctx, _) => ValueTask.FromResult<Stream>(new Http2FrameObserverStream(ctx.PlaintextStream, NullSink.Instance, (_, _) => { }));
            }

            _invoker = new HttpMessageInvoker(handler);
            _uri = new Uri($"http://127.0.0.1:{port}{GreeterEndpoint.Path}");
        }

        public async Task<StringValue> CallAsync()
        {
            var framed = new byte[5 + Request.CalculateSize()];
            GrpcWire.WriteHeader(framed, framed.Length - 5);
            Request.WriteTo(framed.AsSpan(5));
            var content = new ByteArrayContent(framed);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
            using var request = new HttpRequestMessage(HttpMethod.Post, _uri)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = content,
            };
            request.Headers.TryAddWithoutValidation("te", "trailers");
            if (_grpcHeaders)
            {
                request.Headers.TryAddWithoutValidation("user-agent", "grpc-dotnet/2.85.0 (.NET 10.0; CLR 10.0; net10.0; linux; x64)");
                request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,deflate,gzip");
            }
            var token = _token?.Token ?? CancellationToken.None;
            using var response = await _invoker.SendAsync(request, token);
            var body = await response.Content.ReadAsStreamAsync(token);
            var header = new byte[5];
            await body.ReadExactlyAsync(header, token);
            var payload = new byte[GrpcWire.ReadLength(header)];
            await body.ReadExactlyAsync(payload, token);
            if (await body.ReadAsync(header, token) != 0)
            {
                throw new InvalidDataException("more than one message");
            }

            var status = response.TrailingHeaders.NonValidated.TryGetValues("grpc-status", out var s) ? s.ToString() : null;
            return status == "0" ? StringValue.Parser.ParseFrom(payload) : throw new InvalidOperationException("status " + status);
        }

        public void Dispose()
        {
            _invoker.Dispose();
            _token?.Dispose();
        }
    }

    private sealed class NullSink : IHttp2FrameSink
    {
        public static readonly NullSink Instance = new();

        public void OnSettings()
        {
        }

        public void OnBytesRead()
        {
        }

        public void OnGoAway(int lastStreamId, Http2ErrorCode errorCode, string debugData)
        {
        }

        public void OnNotHttp2(string why)
        {
        }
    }

    public static Task<StringValue> CallAsync(CallInvoker invoker) =>
        invoker.AsyncUnaryCall(SayHello, null, default, Request).ResponseAsync;
}
