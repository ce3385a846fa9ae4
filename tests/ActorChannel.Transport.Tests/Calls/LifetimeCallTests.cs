using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Deadlines, cancellation, size limits and compression.</summary>
public class LifetimeCallTests
{
    [Fact]
    public async Task Deadline_fires_locally_when_the_server_never_answers_and_the_server_sees_the_reset()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var t = await Connect(server, new TransportOptions { TimeProvider = time });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), "m", new CallOptions { Deadline = time.GetUtcNow().AddSeconds(5) });
        await service.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(call.ResponseAsync.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await service.ServerSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Deadline_already_passed_fails_without_sending()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Deadline(TimeSpan.FromSeconds(-1))));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Cancellation_is_cancelled_and_reaches_the_server()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        await using var t = await Connect(server);
        using var cts = new CancellationTokenSource();
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), "m", TestMethods.Safe with { CancellationToken = cts.Token });
        await service.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await service.ServerSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dispose_of_a_streaming_call_cancels_it_on_the_wire()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        await using var t = await Connect(server);
        var call = t.Invoker.AsyncServerStreamingCall(TestMethods.Unary("Hang"), "m", TestMethods.Safe);
        await service.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        call.Dispose();
        await service.ServerSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().Code);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNextAsync());
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Four_MiB_is_the_default_receive_limit()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        const int limit = 4 * 1024 * 1024;
        var ok = await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Headers = new Metadata().Add("x-reply-size", limit.ToString()) });
        Assert.Equal(limit, ok.Length);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Headers = new Metadata().Add("x-reply-size", (limit + 1).ToString()) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("4194304", ex.Status.Detail);

        // The reset stream leaves the connection usable.
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "after", TestMethods.Safe));
    }

    [Fact]
    public async Task Large_request_within_no_send_limit_and_over_a_configured_one()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server, new TransportOptions { MaxSendMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), new string('a', 1001), TestMethods.Safe));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("send limit", ex.Status.Detail);

        await using var unlimited = await Connect(server);
        var big = new string('b', 4 * 1024 * 1024);
        Assert.Equal(big.Length, (await unlimited.Invoker.AsyncUnaryCall(TestMethods.Unary(), big, TestMethods.Safe)).Length);
    }

    [Fact]
    public async Task Gzip_both_ways()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var text = string.Concat(Enumerable.Repeat("compress me ", 1000));
        var options = TestMethods.Safe with { Compression = "gzip", Headers = new Metadata().Add("x-reply-gzip", "1") };
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), text, options);
        Assert.Equal(text, await call);
        Assert.Equal("gzip", (await call.ResponseHeadersAsync).GetValue("x-request-encoding"));
    }

    [Fact]
    public async Task Unknown_response_encoding_is_internal()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("BadEncoding"), "m", TestMethods.Safe));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("snappy-ish", ex.Status.Detail);
    }

    [Fact]
    public async Task Unsupported_request_compression_is_refused()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Compression = "br" }));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("'br'", ex.Status.Detail);
    }

    internal static async Task<HttpClientTransport> Connect(TestServer server, TransportOptions? options = null, Action<ConnectionEvent>? observer = null)
    {
        var t = new HttpClientTransport(server.Address, options ?? new TransportOptions(), observer ?? (_ => { }));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await t.ConnectAsync(cts.Token);
        return t;
    }
}
