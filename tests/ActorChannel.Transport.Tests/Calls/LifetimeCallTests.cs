using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Deadlines, cancellation, size limits and compression.</summary>
public class LifetimeCallTests
{
    [Fact]
    public async Task Deadline_ends_a_call_the_server_never_answers_and_the_server_sees_the_reset()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        await using var t = await Connect(server);
        var timeout = TimeSpan.FromMilliseconds(500);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Deadline(timeout), "m");
        await service.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(started.Elapsed >= timeout - TimeSpan.FromMilliseconds(20), $"ended after {started.Elapsed}, before its deadline");
        await service.ServerSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Deadline_already_passed_fails_without_sending()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(TimeSpan.FromSeconds(-1)), "m"));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Cancellation_is_cancelled_and_reaches_the_server()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        await using var t = await Connect(server);
        using var cts = new CancellationTokenSource();
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary("Hang"), null, TestMethods.Safe.WithCancellationToken(cts.Token), "m");
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
        var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStreamHang, null, TestMethods.Safe, "m");
        await service.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        call.Dispose();
        await service.ServerSawCancel.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);

        // Grpc.Net.Client: reading a disposed call is an error of the caller's, not a call status.
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Four_MiB_is_the_default_receive_limit()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        const int limit = 4 * 1024 * 1024;
        var ok = await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.With(("x-reply-size", limit.ToString())), "m");
        Assert.Equal(limit, ok.Length);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.With(("x-reply-size", (limit + 1).ToString())), "m"));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        // The reset stream leaves the connection usable.
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "after"));
    }

    [Fact]
    public async Task Large_request_within_no_send_limit_and_over_a_configured_one()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server, new TransportOptions { MaxSendMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, new string('a', 1001)));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        await using var unlimited = await Connect(server);
        var big = new string('b', 4 * 1024 * 1024);
        Assert.Equal(big.Length, (await unlimited.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, big)).Length);
    }

    [Fact]
    public async Task Gzip_both_ways()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var text = string.Concat(Enumerable.Repeat("compress me ", 1000));
        // Grpc.Net.Client compresses a request when this (internal, never sent) header names the algorithm.
        var options = TestMethods.With(("grpc-internal-encoding-request", "gzip"), ("x-reply-gzip", "1"));
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, text);
        Assert.Equal(text, await call);
        Assert.Equal("gzip", (await call.ResponseHeadersAsync).GetValue("x-request-encoding"));
    }

    [Fact]
    public async Task Unknown_response_encoding_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("BadEncoding"), null, TestMethods.Safe, "m"));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains("snappy-ish", ex.Status.Detail);
    }

    [Fact]
    public async Task Unsupported_request_compression_is_refused()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.With(("grpc-internal-encoding-request", "br")), "m"));
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
