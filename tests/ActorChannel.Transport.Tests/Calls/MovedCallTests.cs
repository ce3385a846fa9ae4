using System.Collections.Concurrent;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// The transparent retry below Grpc.Net.Client: a call a connection never processed goes to the options' router,
/// once, and runs on the connection it returns; the caller sees only that call's outcome.
/// </summary>
public class MovedCallTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Unary_and_server_streaming_calls_refused_by_a_closed_connection_run_on_the_routed_one()
    {
        await using var b = await TestServer.StartAsync(new TestService().Map);
        await using var there = await LifetimeCallTests.Connect(b);
        var router = new Router(there);
        await using var a = await TestServer.StartAsync(new TestService().Map);
        await using var here = await LifetimeCallTests.Connect(a, new TransportOptions { Reroute = router.RouteAsync });
        await here.CloseAsync();

        Assert.Equal("moved", await here.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "moved"));
        using var stream = here.InvokerFor(1000, 1000).AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "2");
        Assert.Equal(2, await stream.ResponseStream.ReadAllAsync().CountAsync());

        Assert.Equal(["/test.Echo/Unary", "/test.Echo/ServerStream"], router.Calls.Select(c => c.MethodFullName));
        Assert.All(router.Calls, c => Assert.False(c.WaitForReady));
        Assert.All(router.From, f => Assert.Same(here, f));
        Assert.Equal(0, here.ActiveCalls);
    }

    [Fact]
    public async Task A_stream_the_server_refused_runs_on_the_routed_connection()
    {
        await using var refusing = new RawServer(RawServer.ResetEveryStream(Http2ErrorCode.RefusedStream));
        await using var b = await TestServer.StartAsync(new TestService().Map);
        await using var there = await LifetimeCallTests.Connect(b);
        var router = new Router(there);
        await using var here = new HttpClientTransport(refusing.Address, new TransportOptions { Reroute = router.RouteAsync }, _ => { });
        await here.ConnectAsync(new CancellationTokenSource(Wait).Token);

        Assert.Equal("again", await here.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "again").ResponseAsync.WaitAsync(Wait));
        Assert.Single(router.Calls);
    }

    [Fact]
    public async Task A_wait_for_ready_call_tells_the_router_so()
    {
        // Grpc.Net.Client marks such a request for its own balancer; this pins the mark the gate reads.
        await using var b = await TestServer.StartAsync(new TestService().Map);
        await using var there = await LifetimeCallTests.Connect(b);
        var router = new Router(there);
        await using var here = new HttpClientTransport(b.Address, new TransportOptions { Reroute = router.RouteAsync }, _ => { });

        var options = TestMethods.Safe.WithWaitForReady(true);
        Assert.Equal("waits", await here.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, "waits"));
        Assert.True(Assert.Single(router.Calls).WaitForReady);
    }

    [Fact]
    public async Task Streaming_request_bodies_are_never_moved()
    {
        await using var a = await TestServer.StartAsync(new TestService().Map);
        var router = new Router(null);
        await using var here = await LifetimeCallTests.Connect(a, new TransportOptions { Reroute = router.RouteAsync });
        await here.CloseAsync();

        using var clientStream = here.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Safe);
        AssertNotProcessed(await Assert.ThrowsAsync<RpcException>(() => clientStream.ResponseAsync.WaitAsync(Wait)));
        using var duplex = here.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe);
        AssertNotProcessed(await Assert.ThrowsAsync<RpcException>(() => duplex.ResponseStream.MoveNext().WaitAsync(Wait)));
        Assert.Empty(router.Calls);
    }

    [Fact]
    public async Task A_call_is_moved_once_and_a_declined_move_fails_as_before()
    {
        await using var a = await TestServer.StartAsync(new TestService().Map);
        var declining = new Router(null);
        await using var alone = await LifetimeCallTests.Connect(a, new TransportOptions { Reroute = declining.RouteAsync });
        await alone.CloseAsync();
        AssertNotProcessed(await Assert.ThrowsAsync<RpcException>(() => alone.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait)));
        Assert.Single(declining.Calls);

        // Two closed connections that route to each other: the second refusal is final.
        var toFirst = new Router(null);
        await using var second = await LifetimeCallTests.Connect(a, new TransportOptions { Reroute = toFirst.RouteAsync });
        var toSecond = new Router(second);
        await using var first = await LifetimeCallTests.Connect(a, new TransportOptions { Reroute = toSecond.RouteAsync });
        toFirst.Target = first;
        await first.CloseAsync();
        await second.CloseAsync();
        AssertNotProcessed(await Assert.ThrowsAsync<RpcException>(() => first.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait)));
        Assert.Single(toSecond.Calls);
        Assert.Empty(toFirst.Calls);
    }

    [Fact]
    public async Task A_router_that_finds_nothing_ends_the_call_with_its_status()
    {
        await using var a = await TestServer.StartAsync(new TestService().Map);
        var failing = new TransportOptions
        {
            Reroute = (_, _, _) => throw new RpcException(new Status(StatusCode.Unavailable, "no READY subchannel: connection refused")),
        };
        await using var here = await LifetimeCallTests.Connect(a, failing);
        await here.CloseAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => here.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("no READY subchannel: connection refused", ex.Status.Detail);
    }

    private static void AssertNotProcessed(RpcException ex)
    {
        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.Status.ToString());
        Assert.True(CallFailures.NotProcessed(ex), ex.Status.ToString());
    }

    private sealed class Router(IClientTransport? target)
    {
        public IClientTransport? Target { get; set; } = target;

        public ConcurrentQueue<ReroutedCall> Calls { get; } = new();

        public ConcurrentQueue<IClientTransport> From { get; } = new();

        public ValueTask<IClientTransport?> RouteAsync(IClientTransport from, ReroutedCall call, CancellationToken cancellationToken)
        {
            From.Enqueue(from);
            Calls.Enqueue(call);
            return ValueTask.FromResult(Target);
        }
    }
}
