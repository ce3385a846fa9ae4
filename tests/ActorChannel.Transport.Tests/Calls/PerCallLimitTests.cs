using ActorChannel.Transport.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// <see cref="HttpClientTransport.InvokerFor"/> (a method config's maxRequestMessageBytes / maxResponseMessageBytes)
/// against the Kestrel test service: the limit is the smaller of the invoker's and the transport's, going over it ends
/// the call with RESOURCE_EXHAUSTED, and the plain <see cref="HttpClientTransport.Invoker"/> keeps the connection's own.
/// </summary>
public class PerCallLimitTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Unary_send_limit_on_a_transport_without_one()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        Assert.Equal(new string('a', 10), await Send(t, 10).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 10)));

        await Refused(Send(t, 10).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 11)).ResponseAsync);

        // The transport's own invoker is not bound by that limit.
        Assert.Equal(new string('a', 11), await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 11)));
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Unary_send_limit_with_a_buffer_writer_marshaller()
    {
        var method = new Method<StringValue, StringValue>(MethodType.Unary, "test.Echo", "Unary", CallKindTests.ProtobufMarshaller, CallKindTests.ProtobufMarshaller);
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // A StringValue of 98 characters serializes to 100 bytes (tag, length, text).
        Assert.Equal(98, (await Send(t, 100).AsyncUnaryCall(method, null, TestMethods.Safe, new StringValue { Value = new string('x', 98) })).Value.Length);
        await Refused(Send(t, 100).AsyncUnaryCall(method, null, TestMethods.Safe, new StringValue { Value = new string('x', 99) }).ResponseAsync);
    }

    [Fact]
    public async Task Unary_receive_limit_resets_the_stream_and_leaves_the_connection_usable()
    {
        var (t, events) = await fixture.ConnectAsync();
        await using var _t = t;
        Assert.Equal(99, (await Receive(t, 99).AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(99), "m")).Length);

        var call = Receive(t, 99).AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(100), "m");
        await Refused(call.ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().StatusCode);
        Assert.Equal(0, t.ActiveCalls);
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "after"));
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
    }

    [Fact]
    public async Task Receive_limit_also_caps_a_decompressed_message()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // 1,000 'r' compress to far fewer than 500 bytes: only decompression can find the message too large.
        var headers = ReplySize(1000).Headers!;
        headers.Add("x-reply-gzip", "1");
        await Refused(Receive(t, 500).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithHeaders(headers), "m").ResponseAsync);
        Assert.Equal(1000, (await Receive(t, 1000).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithHeaders(headers), "m")).Length);
    }

    [Fact]
    public async Task Server_streaming_receive_limit_fails_at_the_first_message_over_it()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // The server sends "0" .. "11": the first ten are one byte, "10" is the first of two.
        using var call = Receive(t, 1).AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "12");
        var got = new List<string>();
        await Refused(ReadAllAsync(call.ResponseStream, got));
        Assert.Equal(10, got.Count);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_streaming_send_limit_refuses_the_request()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = Send(t, 1).AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "12");
        await Refused(call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task Duplex_limits_on_writes_and_reads()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using (var call = Send(t, 3).AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe))
        {
            await call.RequestStream.WriteAsync("abc");
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("echo:abc", call.ResponseStream.Current);
            await Refused(call.RequestStream.WriteAsync("abcd"));
        }

        using (var call = Receive(t, 8).AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe))
        {
            await call.RequestStream.WriteAsync("abc");
            Assert.True(await call.ResponseStream.MoveNext());
            await call.RequestStream.WriteAsync("abcd");
            await Refused(call.ResponseStream.MoveNext());
        }

        await WaitForNoCallsAsync(t);
    }

    [Theory]
    [InlineData(10, 20, 10)]
    [InlineData(20, 10, 10)]
    public async Task Send_limit_is_the_smaller_of_transport_and_invoker(int transport, int invoker, int effective)
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxSendMessageSize = transport });
        await using var _t = t;
        Assert.Equal(effective, (await Send(t, invoker).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', effective))).Length);
        await Refused(Send(t, invoker).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', effective + 1)).ResponseAsync);
    }

    [Theory]
    [InlineData(100, 50, 50)]
    [InlineData(50, 100, 50)]
    [InlineData(50, int.MaxValue, 50)]
    public async Task Receive_limit_is_the_smaller_of_transport_and_invoker(int transport, int invoker, int effective)
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxReceiveMessageSize = transport });
        await using var _t = t;
        Assert.Equal(effective, (await Receive(t, invoker).AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(effective), "m")).Length);
        await Refused(Receive(t, invoker).AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(effective + 1), "m").ResponseAsync);
    }

    [Fact]
    public async Task The_plain_invoker_keeps_the_connections_own_limits()
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxSendMessageSize = 20, MaxReceiveMessageSize = 30 });
        await using var _t = t;
        Assert.Equal(20, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 20))).Length);
        await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 21)).ResponseAsync);
        Assert.Equal(30, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(30), "m")).Length);
        await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(31), "m").ResponseAsync);

        // Beside a smaller invoker's calls on the same connection.
        await Refused(t.InvokerFor(10, 10).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 11)).ResponseAsync);
        Assert.Equal(20, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 20))).Length);
    }

    [Fact]
    public async Task A_receive_limit_above_the_default_does_not_raise_it()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var limit = TransportOptions.DefaultMaxReceiveMessageSize;
        await Refused(Receive(t, 2 * limit).AsyncUnaryCall(TestMethods.Unary(), null, ReplySize(limit + 1), "m").ResponseAsync);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(5, null, 5)]
    [InlineData(null, 7, 7)]
    [InlineData(5, 7, 5)]
    [InlineData(7, 5, 5)]
    [InlineData(0, 5, 0)]
    public async Task Effective_limit_follows_grpc_go(int? invoker, int? transport, int? effective)
    {
        // Invokers are made once per effective pair of limits: equal pairs share one.
        await using var t = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", 1), new TransportOptions { MaxSendMessageSize = transport, MaxReceiveMessageSize = transport }, _ => { });
        Assert.Same(t.InvokerFor(effective, effective), t.InvokerFor(invoker, invoker));
        if (effective == transport)
        {
            Assert.Same(t.Invoker, t.InvokerFor(invoker, invoker));
        }
        else
        {
            Assert.NotSame(t.Invoker, t.InvokerFor(invoker, invoker));
        }
    }

    [Fact]
    public async Task A_zero_limit_lets_only_empty_messages_through()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        Assert.Equal("", await Send(t, 0).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, ""));
        await Refused(Send(t, 0).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "x").ResponseAsync);
    }

    [Fact]
    public async Task A_negative_limit_is_refused_where_it_is_set()
    {
        await using var t = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", 1), new TransportOptions(), _ => { });
        var send = Assert.Throws<ArgumentOutOfRangeException>(() => t.InvokerFor(-1, null));
        Assert.Equal("maxSendMessageSize", send.ParamName);
        var receive = Assert.Throws<ArgumentOutOfRangeException>(() => t.InvokerFor(null, -5));
        Assert.Equal("maxReceiveMessageSize", receive.ParamName);
    }

    private static CallInvoker Send(HttpClientTransport t, int limit) => t.InvokerFor(limit, null);

    private static CallInvoker Receive(HttpClientTransport t, int limit) => t.InvokerFor(null, limit);

    private static CallOptions ReplySize(int size) => TestMethods.With(("x-reply-size", size.ToString()));

    private static async Task<RpcException> Refused(Task call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(ex.StatusCode == StatusCode.ResourceExhausted, ex.Status.ToString());
        return ex;
    }

    private static async Task ReadAllAsync(IAsyncStreamReader<string> reader, List<string> into)
    {
        while (await reader.MoveNext())
        {
            into.Add(reader.Current);
        }
    }

    internal static async Task WaitForNoCallsAsync(HttpClientTransport t)
    {
        // A streaming call is counted until Grpc.Net.Client disposes its response, which it does on its own
        // thread once the call is over, and tells no one.
        await Waits.ProbeUntilAsync(() => t.ActiveCalls == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, t.ActiveCalls);
    }
}
