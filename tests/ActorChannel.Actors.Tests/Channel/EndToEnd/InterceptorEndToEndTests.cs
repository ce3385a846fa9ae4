using System.Collections.Concurrent;
using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Grpc.Core's client interceptors (<c>channel.Intercept(interceptor)</c>) sit in front of the channel's invoker: they
/// see every call of every kind, can change its options (a header the server then echoes) and see how it ended.
/// </summary>
[Collection("channel end to end")]
public sealed class InterceptorEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Loopback _loopback = new(output);
    private readonly Tagging _tagging = new();
    private TestService.TestServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        var backend = await _loopback.StartAsync("icpt");
        _client = new TestService.TestServiceClient(_loopback.Dial(Loopback.Target(backend)).Intercept(_tagging));
    }

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task An_interceptor_adds_a_header_to_unary_calls_and_sees_their_outcome()
    {
        using var ok = _client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("a") }, Loopback.Options());
        await ok.ResponseAsync;
        Assert.Equal("1", (await ok.ResponseHeadersAsync).GetValue(Tagging.Header));

        var blocking = await Task.Run(() => _client.Echo(new EchoRequest(), Loopback.Options()));
        Assert.Equal("actorchannel/icpt", blocking.Server);

        var failing = new EchoRequest { FailWith = new RequestedStatus { Code = (int)StatusCode.NotFound, Message = "gone" } };
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.EchoAsync(failing, Loopback.Options()).ResponseAsync);
        Assert.Equal("3", e.Trailers.GetValue(Tagging.Header));

        Assert.Equal(3, _tagging.Calls(MethodType.Unary));
        Assert.Equal([StatusCode.OK, StatusCode.OK, StatusCode.NotFound], _tagging.UnaryOutcomes.Order());
    }

    [Fact]
    public async Task An_interceptor_sees_and_changes_every_streaming_kind()
    {
        using (var server = _client.ServerStream(new StreamRequest { Count = 2 }, Loopback.Options()))
        {
            Assert.Equal(2, await server.ResponseStream.ReadAllAsync().CountAsync());
            Assert.Equal("1", server.GetTrailers().GetValue(Tagging.Header));
        }

        using (var client = _client.ClientStreamSum(Loopback.Options()))
        {
            await client.RequestStream.WriteAsync(new SumRequest { Value = 2 });
            await client.RequestStream.CompleteAsync();
            Assert.Equal(2, (await client.ResponseAsync).Sum);
            Assert.Equal("2", (await client.ResponseHeadersAsync).GetValue(Tagging.Header));
        }

        using (var duplex = _client.BidiEcho(Loopback.Options()))
        {
            await duplex.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("d") });
            await duplex.RequestStream.CompleteAsync();
            Assert.Equal(1, await duplex.ResponseStream.ReadAllAsync().CountAsync());
            Assert.Equal("3", duplex.GetTrailers().GetValue(Tagging.Header));
        }

        Assert.Equal((1, 1, 1), (_tagging.Calls(MethodType.ServerStreaming), _tagging.Calls(MethodType.ClientStreaming), _tagging.Calls(MethodType.DuplexStreaming)));
    }

    /// <summary>Numbers every call in a header the test service echoes, counts calls per kind and records how unary calls ended.</summary>
    private sealed class Tagging : Interceptor
    {
        public const string Header = "x-echo-call-number";

        private readonly ConcurrentDictionary<MethodType, int> _calls = new();
        private int _number;

        public ConcurrentBag<StatusCode> UnaryOutcomes { get; } = new();

        public int Calls(MethodType type) => _calls.GetValueOrDefault(type);

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            try
            {
                var response = continuation(request, Tag(context));
                UnaryOutcomes.Add(StatusCode.OK);
                return response;
            }
            catch (RpcException e)
            {
                UnaryOutcomes.Add(e.StatusCode);
                throw;
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(request, Tag(context));
            return new AsyncUnaryCall<TResponse>(Observe(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Tag(context));

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Tag(context));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Tag(context));

        private ClientInterceptorContext<TRequest, TResponse> Tag<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            _calls.AddOrUpdate(context.Method.Type, 1, (_, n) => n + 1);
            var headers = new Metadata { { Header, Interlocked.Increment(ref _number).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            foreach (var entry in context.Options.Headers ?? new Metadata())
            {
                headers.Add(entry);
            }

            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }

        private async Task<T> Observe<T>(Task<T> response)
        {
            try
            {
                var result = await response.ConfigureAwait(false);
                UnaryOutcomes.Add(StatusCode.OK);
                return result;
            }
            catch (RpcException e)
            {
                UnaryOutcomes.Add(e.StatusCode);
                throw;
            }
        }
    }
}
