using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Receive buffers and the length a message prefix claims.</summary>
public class ReceiveBufferTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Huge_declared_length_with_a_raised_limit_that_never_arrives_is_internal()
    {
        const uint declared = 0x7FFF_0000;
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.HandshakeAsync(s, ct);
            await RawServer.GrpcHeadersAsync(s, ct);
            await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [.. GrpcWire.Prefix(declared), 1, 2, 3], ct);
            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);
        });
        await using var t = new HttpClientTransport(server.Address, new TransportOptions { MaxReceiveMessageSize = int.MaxValue }, _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // The message ends short of its declared length (the framing is broken). Grpc.Net.Client rents a buffer of
        // the declared length before reading the payload, so with a limit raised this far it allocates that much
        // up front (the home call layer grew its buffer with the bytes that arrived): printed, not asserted.
        Assert.True(ex.StatusCode == StatusCode.Internal, ex.Status.ToString());
        output.WriteLine($"{allocated} bytes allocated for 3 bytes received of {declared} declared");
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Messages_larger_than_the_first_buffer_arrive_whole()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        var big = new string('x', 300_000) + "end";
        Assert.Equal(big, await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, big));
    }
}
