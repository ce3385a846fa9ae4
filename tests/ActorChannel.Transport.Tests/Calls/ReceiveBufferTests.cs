using System.Buffers.Binary;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Receive buffers follow the bytes that arrive, not the length a message prefix claims.</summary>
public class ReceiveBufferTests
{
    [Fact]
    public async Task Huge_declared_length_with_a_raised_limit_is_not_allocated_up_front()
    {
        const int declared = 0x7FFF_0000;
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.HandshakeAsync(s, ct);
            await RawServer.GrpcHeadersAsync(s, ct);
            var prefix = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(1), declared);
            prefix[5] = 1;
            prefix[6] = 2;
            prefix[7] = 3;
            await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, prefix, ct);
            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var t = new HttpClientTransport(server.Address, new TransportOptions { MaxReceiveMessageSize = int.MaxValue }, _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains($"3 of {declared} declared bytes", ex.Status.Detail);
        Assert.True(allocated < 256L * 1024 * 1024, $"{allocated} bytes allocated for 3 bytes received");
    }

    [Fact]
    public async Task Messages_larger_than_the_first_buffer_arrive_whole()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        var big = new string('x', 300_000) + "end";
        Assert.Equal(big, await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), big, TestMethods.Safe));
    }
}
