using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

/// <summary>Streams the server resets, keepalive, and the handler never dialing a second socket.</summary>
public class ServerResetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(Http2ErrorCode.RefusedStream, StatusCode.Unavailable, true)]
    [InlineData(Http2ErrorCode.Cancel, StatusCode.Cancelled, false)]
    [InlineData(Http2ErrorCode.EnhanceYourCalm, StatusCode.ResourceExhausted, false)]
    [InlineData(Http2ErrorCode.InternalError, StatusCode.Internal, false)]
    [InlineData(Http2ErrorCode.FlowControlError, StatusCode.Internal, false)]
    [InlineData(Http2ErrorCode.InadequateSecurity, StatusCode.PermissionDenied, false)]
    public async Task Rst_stream_maps_to_status(Http2ErrorCode code, StatusCode expected, bool notProcessed)
    {
        // Every request stream is reset (the handler may retry a refused one on the same connection).
        await using var server = new RawServer(RawServer.ResetEveryStream(code));
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var ex = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait));
        Assert.True(expected == ex.StatusCode, ex.Status.ToString());
        Assert.Equal(notProcessed, CallFailures.NotProcessed(ex));
    }

    [Theory]
    [InlineData(Http2ErrorCode.Cancel, StatusCode.Cancelled)]
    [InlineData(Http2ErrorCode.InternalError, StatusCode.Internal)]
    public async Task With_keepalive_pings_that_may_wait_for_ever_a_reset_stream_keeps_its_own_status(Http2ErrorCode code, StatusCode expected)
    {
        // An infinite ping timeout made every failure on a connection that had read a byte look like a keepalive
        // timeout: UNAVAILABLE, "a keepalive ping got no answer in time".
        await using var server = new RawServer(RawServer.ResetEveryStream(code));
        var options = new TransportOptions { KeepAlivePingDelay = TransportOptions.MinimumKeepAlive, KeepAlivePingTimeout = Timeout.InfiniteTimeSpan };
        await using var t = new HttpClientTransport(server.Address, options, _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var ex = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait));
        Assert.True(expected == ex.StatusCode, ex.Status.ToString());
        Assert.DoesNotContain("keepalive", ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Server_handler_abort_resets_the_stream_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync(app =>
        {
            new TestService().Map(app);
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/test.Echo/Abort", ctx =>
            {
                ctx.Abort();
                return Task.CompletedTask;
            });
        });
        await using var t = await Calls.LifetimeCallTests.Connect(server);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Abort"), null, TestMethods.Safe, "m"));
        Assert.True(ex.StatusCode is StatusCode.Internal or StatusCode.Cancelled, ex.Status.ToString());
        Assert.Contains("reset", ex.Status.Detail);
        Assert.Equal("still", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "still"));
    }

    [Fact]
    public async Task Error_status_in_trailers_after_messages()
    {
        await using var server = await TestServer.StartAsync(app =>
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/test.Echo/ServerStream", async ctx =>
            {
                ctx.Response.ContentType = "application/grpc";
                await ctx.Response.Body.WriteAsync(GrpcWire.Frame("one"u8));
                Microsoft.AspNetCore.Http.ResponseTrailerExtensions.AppendTrailer(ctx.Response, "grpc-status", "10");
                Microsoft.AspNetCore.Http.ResponseTrailerExtensions.AppendTrailer(ctx.Response, "grpc-message", "aborted%20here");
                Microsoft.AspNetCore.Http.ResponseTrailerExtensions.AppendTrailer(ctx.Response, "x-why", "test");
            }));
        await using var t = await Calls.LifetimeCallTests.Connect(server);
        using var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "1");
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("one", call.ResponseStream.Current);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("aborted here", ex.Status.Detail);
        Assert.Equal("test", ex.Trailers.GetValue("x-why"));
        Assert.Equal("test", call.GetTrailers().GetValue("x-why"));
    }

    [Fact]
    public async Task The_handler_is_refused_a_second_connection()
    {
        var service = new TestService();
        await using var server = await TestServer.StartAsync(service.Map);
        var events = new EventRecorder();
        await using var t = await Calls.LifetimeCallTests.Connect(server, null, events.Record);
        await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");
        server.AbortConnections();
        await events.WaitFor<ConnectionEvent.Closed>(Wait);

        // Bypass the transport's own fast-fail and go straight to the handler: it must not dial. Our frame observer can
        // report the close before the handler's own connection object has seen it; a request in that moment fails on
        // the dying connection instead (not a dial either), so ask again until the handler has let that connection go.
        // The handler notices the closed socket on its own thread, and says so to no one.
        HttpRequestException ex = null!;
        await Waits.ProbeUntilAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(t.BaseUri, "/test.Echo/Unary"))
                {
                    Version = System.Net.HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                ex = await Assert.ThrowsAsync<HttpRequestException>(() => t.Http.SendAsync(request, CancellationToken.None));
                return ex.HttpRequestError == HttpRequestError.ConnectionError;
            },
            Wait);

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Contains("will not open another connection", ex.InnerException?.Message ?? ex.Message);
    }

    [Fact]
    public async Task Failed_call_has_its_response_headers_and_the_status()
    {
        // Grpc.Net.Client hands over the headers of a response that failed the call (here an HTTP 503); the failure
        // is the call's status.
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await Calls.LifetimeCallTests.Connect(server);
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary("PlainText"), null, TestMethods.With(("x-http-status", "503")), "m");
        Assert.NotNull(await call.ResponseHeadersAsync.WaitAsync(Wait));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Keepalive_timeout_closes_with_that_reason()
    {
        // The server answers nothing after its SETTINGS, not even PING: a real wait of about 2 s is
        // the point of this test (the handler's ping timer runs on real time).
        await using var server = new RawServer(async (s, ct) =>
        {
            await RawServer.HandshakeAsync(s, ct);
            await ct.WhenCancelled();
        });
        var events = new EventRecorder();
        var options = new TransportOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) };
        await using var t = new HttpClientTransport(server.Address, options, events.Record);
        await t.ConnectAsync(CancellationToken.None);
        var ex = await Assert.ThrowsAsync<RpcException>(() => t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m").ResponseAsync.WaitAsync(Wait));
        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.Status.ToString());
        var closed = await events.WaitFor<ConnectionEvent.Closed>(Wait);
        Assert.Equal(CloseReason.KeepAliveTimeout, closed.Reason);
    }
}
