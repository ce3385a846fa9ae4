using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Xunit;

namespace ActorChannel.Interop.Tests;

/// <summary>The server's artificial delay runs on its TimeProvider (nothing fires until the test advances it); call deadlines do not.</summary>
public sealed class OurServerVirtualTimeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Artificial_delay_waits_for_virtual_time()
    {
        var clock = new ManualClock();
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { Delay = TimeSpan.FromSeconds(30), TimeProvider = clock, InstanceName = "slow" });
        using var client = new RawGrpcClient(server.Url);
        var call = client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "t" }));

        await clock.WaitForTimersAsync(1).WaitAsync(Bound);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var r = await call.WaitAsync(Bound);
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("Hello t from slow", HelloReply.Parser.ParseFrom(Assert.Single(r.Messages)).Message);
    }

    [Fact]
    public async Task Grpc_timeout_expires_on_the_real_clock_not_the_virtual_one()
    {
        // Grpc.AspNetCore times deadlines on the real clock, whatever TimeProvider the server has: the
        // handler's 1-hour delay (virtual, never advanced) is cut by a real 200 ms deadline. (The deadline
        // used to be on the virtual clock too; Grpc.AspNetCore offers no way to give it one.)
        var clock = new ManualClock();
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { TimeProvider = clock });
        using var client = new RawGrpcClient(server.Url);
        var call = client.SendAsync(RpcPaths.Echo, RawGrpcClient.Frame(new EchoRequest { DelayMs = 3_600_000 }), [("grpc-timeout", "200m")]);

        var r = await call.WaitAsync(Bound);
        Assert.Equal("4", r.GrpcStatus);
    }
}
