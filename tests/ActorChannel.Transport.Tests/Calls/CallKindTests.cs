using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

public class CallKindTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Unary_round_trip()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "hello", TestMethods.Safe);
        Assert.Equal("hello", await call);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Protobuf_marshaller_writes_the_prefix_in_place_and_honours_the_send_limit()
    {
        var marshaller = Marshallers.ForProtobuf(Google.Protobuf.WellKnownTypes.StringValue.Parser);
        var method = new Method<Google.Protobuf.WellKnownTypes.StringValue, Google.Protobuf.WellKnownTypes.StringValue>(MethodType.Unary, "test.Echo", "Unary", marshaller, marshaller);
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxSendMessageSize = 100 });
        await using var _t = t;
        var reply = await t.Invoker.AsyncUnaryCall(method, new Google.Protobuf.WellKnownTypes.StringValue { Value = "proto" }, TestMethods.Safe);
        Assert.Equal("proto", reply.Value);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await t.Invoker.AsyncUnaryCall(method, new Google.Protobuf.WellKnownTypes.StringValue { Value = new string('x', 99) }, TestMethods.Safe));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("101 bytes", ex.Status.Detail);
    }

    [Fact]
    public async Task Many_concurrent_unary_calls_share_one_connection()
    {
        var (t, events) = await fixture.ConnectAsync();
        await using var _t = t;
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m" + i, TestMethods.Safe).ResponseAsync));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "m" + i), results);
        Assert.Single(events.Events.OfType<ConnectionEvent.Connected>());
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
    }

    [Fact]
    public async Task Server_streaming()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, "5", TestMethods.Safe);
        var got = new List<string>();
        await foreach (var m in call.ResponseStream.ReadAllAsync())
        {
            got.Add(m);
        }

        Assert.Equal(["0", "1", "2", "3", "4"], got);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.False(await call.ResponseStream.MoveNextAsync());
    }

    [Fact]
    public async Task Server_streaming_of_zero_messages()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, "0", TestMethods.Safe);
        Assert.False(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task Client_streaming()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, TestMethods.Safe);
        foreach (var m in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(m);
        }

        await call.RequestStream.CompleteAsync();
        Assert.Equal("a,b,c", await call);
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync("late"));
    }

    [Fact]
    public async Task Duplex_streaming_interleaves()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, TestMethods.Safe);
        for (var i = 0; i < 3; i++)
        {
            await call.RequestStream.WriteAsync("m" + i);
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal("echo:m" + i, call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.NotNull(await call.ResponseHeadersAsync);
    }

    [Fact]
    public async Task Status_is_unavailable_before_the_call_ends()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, TestMethods.Safe);
        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync());
    }

    [Fact]
    public async Task Unconnected_transport_fails_fast_not_processed()
    {
        var t = new HttpClientTransport(fixture.Server.Address, new TransportOptions(), _ => { });
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "x", TestMethods.Safe));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.True(ex.NotProcessed);
        Assert.Contains("not connected", ex.Status.Detail);
    }
}
