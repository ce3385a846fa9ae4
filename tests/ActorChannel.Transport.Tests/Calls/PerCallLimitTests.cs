using ActorChannel.Transport.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// CallOptions.MaxSendMessageSize / MaxReceiveMessageSize against the Kestrel test service: the call's limit is the
/// smaller of its own and the transport's, and going over it ends the call as the transport's limits always did.
/// </summary>
public class PerCallLimitTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Unary_per_call_send_limit_on_a_transport_without_one()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        Assert.Equal(new string('a', 10), await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', 10), Send(10)));

        var ex = await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', 11), Send(10)).ResponseAsync);
        Assert.Contains("11 bytes exceeds the send limit of 10 bytes", ex.Status.Detail);

        // Another call on the same transport is not bound by that call's limit.
        Assert.Equal(new string('a', 11), await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', 11), TestMethods.Safe));
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Unary_per_call_send_limit_on_the_in_place_prefixed_path()
    {
        var marshaller = Marshallers.ForProtobuf(StringValue.Parser);
        var method = new Method<StringValue, StringValue>(MethodType.Unary, "test.Echo", "Unary", marshaller, marshaller);
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // A StringValue of 98 characters serializes to 100 bytes (tag, length, text).
        Assert.Equal(98, (await t.Invoker.AsyncUnaryCall(method, new StringValue { Value = new string('x', 98) }, Send(100))).Value.Length);
        var ex = await Refused(t.Invoker.AsyncUnaryCall(method, new StringValue { Value = new string('x', 99) }, Send(100)).ResponseAsync);
        Assert.Contains("101 bytes exceeds the send limit of 100 bytes", ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_per_call_receive_limit_resets_the_stream_and_leaves_the_connection_usable()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        Assert.Equal(99, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(99) with { Headers = ReplySize(99) })).Length);

        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(99) with { Headers = ReplySize(100) });
        var ex = await Refused(call.ResponseAsync);
        Assert.Contains("100 bytes exceeds the limit of 99 bytes", ex.Status.Detail);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().Code);
        Assert.Equal(0, t.ActiveCalls);
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "after", TestMethods.Safe));
    }

    [Fact]
    public async Task Per_call_receive_limit_also_caps_a_decompressed_message()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // 1,000 'r' compress to far fewer than 500 bytes: only decompression can find the message too large.
        var headers = ReplySize(1000).Add("x-reply-gzip", "1");
        var ex = await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(500) with { Headers = headers }).ResponseAsync);
        Assert.Contains("limit of 500 bytes", ex.Status.Detail);
    }

    [Fact]
    public async Task Server_streaming_per_call_receive_limit_fails_at_the_first_message_over_it()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;

        // The server sends "0" .. "11": the first ten are one byte, "10" is the first of two.
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, "12", Receive(1));
        var got = new List<string>();
        var ex = await Refused(ReadAllAsync(call.ResponseStream, got));
        Assert.Equal(10, got.Count);
        Assert.Contains("2 bytes exceeds the limit of 1 bytes", ex.Status.Detail);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().Code);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Server_streaming_per_call_send_limit_refuses_the_request()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, "12", Send(1));
        var ex = await Refused(call.ResponseStream.MoveNextAsync().AsTask());
        Assert.Contains("2 bytes exceeds the send limit of 1 bytes", ex.Status.Detail);
    }

    [Fact]
    public async Task Duplex_per_call_limits_on_writes_and_reads()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using (var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, Send(3)))
        {
            await call.RequestStream.WriteAsync("abc");
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal("echo:abc", call.ResponseStream.Current);
            var ex = await Refused(call.RequestStream.WriteAsync("abcd"));
            Assert.Contains("4 bytes exceeds the send limit of 3 bytes", ex.Status.Detail);
            Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().Code);
        }

        using (var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, Receive(8)))
        {
            await call.RequestStream.WriteAsync("abc");
            Assert.True(await call.ResponseStream.MoveNextAsync());
            await call.RequestStream.WriteAsync("abcd");
            var ex = await Refused(call.ResponseStream.MoveNextAsync().AsTask());
            Assert.Contains("9 bytes exceeds the limit of 8 bytes", ex.Status.Detail);
        }

        Assert.Equal(0, t.ActiveCalls);
    }

    [Theory]
    [InlineData(10, 20, 10)]
    [InlineData(20, 10, 10)]
    public async Task Send_limit_is_the_smaller_of_transport_and_call(int transport, int call, int effective)
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxSendMessageSize = transport });
        await using var _t = t;
        Assert.Equal(effective, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', effective), Send(call))).Length);
        var ex = await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', effective + 1), Send(call)).ResponseAsync);
        Assert.Contains($"send limit of {effective} bytes", ex.Status.Detail);
    }

    [Theory]
    [InlineData(100, 50, 50)]
    [InlineData(50, 100, 50)]
    [InlineData(50, int.MaxValue, 50)]
    public async Task Receive_limit_is_the_smaller_of_transport_and_call(int transport, int call, int effective)
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxReceiveMessageSize = transport });
        await using var _t = t;
        Assert.Equal(effective, (await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(call) with { Headers = ReplySize(effective) })).Length);
        var ex = await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(call) with { Headers = ReplySize(effective + 1) }).ResponseAsync);
        Assert.Contains($"limit of {effective} bytes", ex.Status.Detail);
    }

    [Fact]
    public async Task A_per_call_receive_limit_above_the_default_does_not_raise_it()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var limit = TransportOptions.DefaultMaxReceiveMessageSize;
        var ex = await Refused(t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", Receive(2 * limit) with { Headers = ReplySize(limit + 1) }).ResponseAsync);
        Assert.Contains($"limit of {limit} bytes", ex.Status.Detail);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(5, null, 5)]
    [InlineData(null, 7, 7)]
    [InlineData(5, 7, 5)]
    [InlineData(7, 5, 5)]
    [InlineData(0, 5, 0)]
    public void Effective_limit_follows_grpc_go(int? call, int? transport, int? effective) =>
        Assert.Equal(effective, CallOptions.EffectiveLimit(call, transport));

    [Fact]
    public void A_negative_per_call_limit_is_refused_where_it_is_set()
    {
        var send = Assert.Throws<ArgumentOutOfRangeException>(() => new CallOptions { MaxSendMessageSize = -1 });
        Assert.Equal("MaxSendMessageSize", send.ParamName);
        Assert.Contains("must not be negative", send.Message);

        var receive = Assert.Throws<ArgumentOutOfRangeException>(() => TestMethods.Safe with { MaxReceiveMessageSize = -5 });
        Assert.Equal("MaxReceiveMessageSize", receive.ParamName);

        // Zero is a limit (only empty messages pass), null is none.
        Assert.Equal(0, new CallOptions { MaxSendMessageSize = 0 }.MaxSendMessageSize);
        Assert.Null(new CallOptions { MaxReceiveMessageSize = null }.MaxReceiveMessageSize);
    }

    private static CallOptions Send(int limit) => TestMethods.Safe with { MaxSendMessageSize = limit };

    private static CallOptions Receive(int limit) => TestMethods.Safe with { MaxReceiveMessageSize = limit };

    private static Metadata ReplySize(int size) => new Metadata().Add("x-reply-size", size.ToString());

    private static async Task<RpcException> Refused(Task call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        return ex;
    }

    private static async Task ReadAllAsync(IAsyncStreamReader<string> reader, List<string> into)
    {
        while (await reader.MoveNextAsync())
        {
            into.Add(reader.Current);
        }
    }
}
