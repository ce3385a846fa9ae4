using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>A server that ends a call expecting one response message with OK and no message: INTERNAL, never an OK exception.</summary>
public class OkWithoutMessageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static RawServer Server(bool trailersOnly) => new(async (s, ct) =>
        await RawServer.ServeFramesAsync(s, async (type, stream) =>
        {
            if (type != RawServer.Headers)
            {
                return;
            }

            if (trailersOnly)
            {
                await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, stream, RawServer.Hpack(true, ("content-type", "application/grpc"), ("grpc-status", "0")), ct);
                return;
            }

            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders, stream, RawServer.Hpack(true, ("content-type", "application/grpc")), ct);
            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, stream, RawServer.Hpack(false, ("grpc-status", "0")), ct);
        }, ct));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unary_call_ended_ok_without_a_message_is_internal(bool trailersOnly)
    {
        await using var server = Server(trailersOnly);
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        using var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        Assert.True(ex.StatusCode == StatusCode.Internal, ex.Status.ToString());
        Assert.Equal(StatusCode.Internal, call.GetStatus().StatusCode);
        Assert.Equal(0, t.ActiveCalls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Client_streaming_call_ended_ok_without_a_message_is_internal(bool trailersOnly)
    {
        await using var server = Server(trailersOnly);
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        using var call = t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Safe);
        await call.RequestStream.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        Assert.True(ex.StatusCode == StatusCode.Internal, ex.Status.ToString());
        Assert.Equal(StatusCode.Internal, call.GetStatus().StatusCode);
    }
}
