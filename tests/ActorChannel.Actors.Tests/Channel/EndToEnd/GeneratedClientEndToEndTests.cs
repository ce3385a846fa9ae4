using ActorChannel.Client;
using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The clients protoc generates (Grpc.Tools, GrpcServices="Both") work on a <see cref="ManagedChannel"/> for every call
/// kind, against the Host's Grpc.AspNetCore server on loopback: the request, response and error types, the headers and
/// the trailers are all Grpc.Core's. The test service echoes request metadata named "x-echo-*" into its response headers
/// and trailers.
/// </summary>
[Collection("channel end to end")]
public sealed class GeneratedClientEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Loopback _loopback = new(output);
    private TestService.TestServiceClient _client = null!;
    private ManagedChannel _channel = null!;

    public async Task InitializeAsync()
    {
        var backend = await _loopback.StartAsync("gen");
        _channel = _loopback.Dial(Loopback.Target(backend));
        _client = new TestService.TestServiceClient(_channel);
    }

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task Unary_calls_work_blocking_and_async()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFromUtf8("ping") };

        // Blocking, on a pool thread as a synchronous caller would be.
        var blocking = await Task.Run(() => _client.Echo(request, Loopback.Options()));
        Assert.Equal("ping", blocking.Payload.ToStringUtf8());
        Assert.Equal("actorchannel/gen", blocking.Server);

        // Async, with the generated overload that takes headers and a deadline.
        var reply = await _client.EchoAsync(request, deadline: DateTime.UtcNow + Loopback.Bound);
        Assert.Equal("ping", reply.Payload.ToStringUtf8());

        Assert.Equal(ConnectivityState.Ready, _channel.State);
    }

    [Fact]
    public async Task Request_headers_come_back_as_response_headers_and_trailers()
    {
        var headers = new Metadata { { "x-echo-text", "hello" }, { "x-echo-data-bin", new byte[] { 0, 1, 254, 255 } }, { "not-echoed", "x" } };
        using var call = _client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("p") }, Loopback.Options(headers));

        var responseHeaders = await call.ResponseHeadersAsync;
        await call.ResponseAsync;
        var trailers = call.GetTrailers();

        foreach (var metadata in new[] { responseHeaders, trailers })
        {
            Assert.Equal("hello", metadata.GetValue("x-echo-text"));
            Assert.Equal(new byte[] { 0, 1, 254, 255 }, metadata.GetValueBytes("x-echo-data-bin"));
            Assert.Null(metadata.Get("not-echoed"));
        }

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_failed_call_is_an_RpcException_with_the_server_s_status_and_trailers()
    {
        var request = new EchoRequest { FailWith = new RequestedStatus { Code = (int)StatusCode.FailedPrecondition, Message = "not now" } };
        using var call = _client.EchoAsync(request, Loopback.Options(new Metadata { { "x-echo-why", "test" } }));

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("not now", e.Status.Detail);
        Assert.Equal("test", e.Trailers.GetValue("x-echo-why"));
        Assert.Equal((e.StatusCode, e.Status.Detail), (call.GetStatus().StatusCode, call.GetStatus().Detail));
        Assert.Equal("test", call.GetTrailers().GetValue("x-echo-why"));
    }

    [Fact]
    public async Task Server_streaming_reads_every_item_then_the_trailers()
    {
        using var call = _client.ServerStream(new StreamRequest { Count = 5, PayloadSize = 10 }, Loopback.Options(new Metadata { { "x-echo-s", "1" } }));

        var indexes = new List<int>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(10, item.Payload.Length);
            indexes.Add(item.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal("1", (await call.ResponseHeadersAsync).GetValue("x-echo-s"));
        Assert.Equal("1", call.GetTrailers().GetValue("x-echo-s"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_sums_what_was_written()
    {
        long[] values = [3, -1, 4, 1, -5, 9];
        using var call = _client.ClientStreamSum(Loopback.Options());
        foreach (var value in values)
        {
            await call.RequestStream.WriteAsync(new SumRequest { Value = value });
        }

        await call.RequestStream.CompleteAsync();
        Assert.Equal((values.Sum(), values.Length), ((await call.ResponseAsync).Sum, (await call.ResponseAsync).Count));
    }

    [Fact]
    public async Task Bidi_streaming_answers_each_message_in_turn()
    {
        using var call = _client.BidiEcho(Loopback.Options(new Metadata { { "x-echo-b", "2" } }));
        foreach (var word in new[] { "one", "two", "three" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8(word) });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(word, call.ResponseStream.Current.Payload.ToStringUtf8());
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal("2", call.GetTrailers().GetValue("x-echo-b"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task The_generated_health_client_works_too()
    {
        var health = new Health.HealthClient(_channel);
        var reply = await health.CheckAsync(new HealthCheckRequest { Service = "" }, Loopback.Options());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
