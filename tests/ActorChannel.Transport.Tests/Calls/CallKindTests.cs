using ActorChannel.Transport.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

public class CallKindTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>A contextual protobuf marshaller: it serializes straight into the call's buffer writer, as generated code does.</summary>
    internal static readonly Marshaller<StringValue> ProtobufMarshaller = new(
        (message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        context => StringValue.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    [Fact]
    public async Task Unary_round_trip()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "hello");
        Assert.Equal("hello", await call);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Protobuf_marshaller_writing_into_the_buffer_writer_honours_the_send_limit()
    {
        var method = new Method<StringValue, StringValue>(MethodType.Unary, "test.Echo", "Unary", ProtobufMarshaller, ProtobufMarshaller);
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { MaxSendMessageSize = 100 });
        await using var _t = t;
        var reply = await t.Invoker.AsyncUnaryCall(method, null, TestMethods.Safe, new StringValue { Value = "proto" });
        Assert.Equal("proto", reply.Value);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await t.Invoker.AsyncUnaryCall(method, null, TestMethods.Safe, new StringValue { Value = new string('x', 99) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Many_concurrent_unary_calls_share_one_connection()
    {
        var (t, events) = await fixture.ConnectAsync();
        await using var _t = t;
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m" + i).ResponseAsync));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "m" + i), results);
        Assert.Single(events.Events.OfType<ConnectionEvent.Connected>());
        Assert.Empty(events.Events.OfType<ConnectionEvent.Closed>());
    }

    [Fact]
    public async Task Server_streaming()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "5");
        var got = new List<string>();
        await foreach (var m in call.ResponseStream.ReadAllAsync())
        {
            got.Add(m);
        }

        Assert.Equal(["0", "1", "2", "3", "4"], got);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task Server_streaming_of_zero_messages()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "0");
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Safe);
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
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe);
        for (var i = 0; i < 3; i++)
        {
            await call.RequestStream.WriteAsync("m" + i);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("echo:m" + i, call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.NotNull(await call.ResponseHeadersAsync);
    }

    [Fact]
    public async Task Status_is_unavailable_before_the_call_ends()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe);
        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task Unconnected_transport_fails_fast_not_processed()
    {
        var t = new HttpClientTransport(fixture.Server.Address, new TransportOptions(), _ => { });
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "x"));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.True(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.Contains("not connected", ex.Status.Detail);
    }
}
