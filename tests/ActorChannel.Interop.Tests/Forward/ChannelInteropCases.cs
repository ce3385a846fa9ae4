using ActorChannel.Client;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;

namespace ActorChannel.Interop.Tests.Forward;

/// <summary>
/// The interop cases for our client, run against each server (ours, ours over TLS, grpc-js, python3-grpcio) through
/// the generated clients on a <see cref="ManagedChannel"/>: unary, the three streaming kinds, metadata incl. -bin,
/// non-ASCII error, deadline, cancellation seen by the server, 4 MiB messages, gzip, unimplemented, health.
/// </summary>
public abstract class ChannelInteropCases(InteropServer server) : IAsyncLifetime
{
    private const int FourMiB = 4 * 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly byte[] BinaryValue = [0, 1, 2, 127, 128, 254, 255];
    private ManagedChannel _channel = null!;

    protected InteropServer Server => server;

    private TestService.TestServiceClient Test => new(_channel);

    public async Task InitializeAsync()
    {
        _channel = ManagedChannel.Dial($"ipv4:127.0.0.1:{server.Port}", server.ChannelOptions);
        await _channel.ConnectAsync(Bound);
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    [Fact]
    public async Task Unary_greeter_names_the_server()
    {
        var message = await new Greeter.GreeterClient(_channel).GreetAsync("dotnet", Deadline());
        Assert.Equal($"Hello dotnet from {server.InstanceName}", message);
    }

    [Fact]
    public async Task Unary_echo_round_trips_bytes()
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var reply = await Test.EchoAsync(new EchoRequest { Payload = payload }, Deadline());
        Assert.Equal(payload, reply.Payload);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_item_in_order()
    {
        using var call = Test.ServerStream(new StreamRequest { Count = 5, PayloadSize = 10 }, Deadline());
        var indices = new List<int>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            indices.Add(item.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indices);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_sums()
    {
        using var call = Test.ClientStreamSum(Deadline());
        for (var i = 1; i <= 10; i++)
        {
            await call.RequestStream.WriteAsync(new SumRequest { Value = i });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;
        Assert.Equal(55, reply.Sum);
        Assert.Equal(10, reply.Count);
    }

    [Fact]
    public async Task Bidi_streaming_ping_pongs()
    {
        using var call = Test.BidiEcho(Deadline());
        foreach (var text in new[] { "a", "bb", "ccc" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8(text) });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(text, call.ResponseStream.Current.Payload.ToStringUtf8());
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task Metadata_round_trips_including_binary()
    {
        var headers = new Metadata { { "x-echo-text", "hello" }, { "x-echo-data-bin", BinaryValue } };
        using var call = Test.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("m") }, Deadline().WithHeaders(headers));
        await call.ResponseAsync;
        foreach (var (where, md) in new[] { ("headers", await call.ResponseHeadersAsync), ("trailers", call.GetTrailers()) })
        {
            Assert.True(md.GetValue("x-echo-text") == "hello", $"{where}: {md}");
            Assert.True(md.GetValueBytes("x-echo-data-bin") is { } b && b.SequenceEqual(BinaryValue), $"{where}: {md}");
        }
    }

    [Fact]
    public async Task Error_status_keeps_a_non_ascii_message_intact()
    {
        const string detail = "Ünïcødé ✓ 错误 100% 😀";
        var request = new EchoRequest { FailWith = new RequestedStatus { Code = (int)StatusCode.FailedPrecondition, Message = detail } };
        var error = await Assert.ThrowsAsync<RpcException>(() => Test.EchoAsync(request, Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
    }

    [Fact]
    public async Task Deadline_exceeded_when_the_server_is_slower()
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(200));
        var error = await Assert.ThrowsAsync<RpcException>(() => Test.EchoAsync(new EchoRequest { DelayMs = 10_000 }, options).ResponseAsync.WaitAsync(Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Cancellation_is_seen_by_the_server()
    {
        using var cts = new CancellationTokenSource();
        using var call = Test.ServerStream(new StreamRequest { Count = 100_000, IntervalMs = 50 }, Deadline().WithCancellationToken(cts.Token));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.WaitForCancellationAsync(RpcPaths.ServerStream, Bound);
    }

    [Fact]
    public async Task Four_MiB_messages_both_ways()
    {
        // A 4 MiB request (the servers accept up to 16-64 MiB) and a reply just inside the client's default 4 MiB limit (payload plus field overhead).
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[FourMiB]), ResponseSize = FourMiB - 64 };
        var reply = await Test.EchoAsync(request, Deadline());
        Assert.Equal(FourMiB - 64, reply.Payload.Length);
    }

    [Fact]
    public async Task Reply_over_the_receive_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Test.EchoAsync(new EchoRequest { ResponseSize = FourMiB + 1 }, Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Gzip_request_and_reply()
    {
        // Grpc.Net.Client compresses a request when this header names one of its compression providers (gzip is built in).
        var payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'a', 100_000).ToArray());
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        using var call = Test.EchoAsync(new EchoRequest { Payload = payload }, Deadline().WithHeaders(gzip));
        Assert.Equal(payload, (await call.ResponseAsync).Payload);
        if ((await call.ResponseHeadersAsync).GetValue("x-request-grpc-encoding") is { } seen)
        {
            Assert.Equal("gzip", seen); // only our server reports what it received
        }
    }

    [Fact]
    public async Task Unknown_method_is_unimplemented()
    {
        var missing = new Method<SumRequest, SumReply>(MethodType.Unary, TestService.Descriptor.FullName, "NoSuchMethod",
            Marshallers.Create(r => r.ToByteArray(), SumRequest.Parser.ParseFrom), Marshallers.Create(r => r.ToByteArray(), SumReply.Parser.ParseFrom));
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CreateCallInvoker().AsyncUnaryCall(missing, null, Deadline(), new SumRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Health_check_reports_serving()
    {
        var response = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest { Service = "" }, Deadline());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.Add(Bound));
}

public sealed class ChannelToOurServer(OurServer server) : ChannelInteropCases(server), IClassFixture<OurServer>;

public sealed class ChannelToOurTlsServer(OurTlsServer server) : ChannelInteropCases(server), IClassFixture<OurTlsServer>;

public sealed class ChannelToGrpcJsServer(GrpcJsServer server) : ChannelInteropCases(server), IClassFixture<GrpcJsServer>;

public sealed class ChannelToPythonServer(PythonServer server) : ChannelInteropCases(server), IClassFixture<PythonServer>;
