using System.Text;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

public class StatusAndMetadataCallTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Metadata_round_trip_including_binary()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var bytes = new byte[] { 0, 1, 2, 250, 251, 255 };
        var options = TestMethods.Safe with { Headers = new Metadata().Add("x-text", "plain value").Add("x-data-bin", bytes) };
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", options);
        Assert.Equal("m", await call);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("plain value", headers.GetValue("echo-x-text"));
        Assert.Equal(bytes, call.GetTrailers().GetBytes("echo-x-data-bin"));
        Assert.DoesNotContain(call.GetTrailers(), e => e.Key == "grpc-status");
    }

    [Fact]
    public async Task Request_carries_the_protocol_headers()
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { Authority = "example.test:443" });
        await using var _t = t;
        await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Headers"), "m", TestMethods.Deadline(TimeSpan.FromSeconds(30)));
        Dictionary<string, string> h;
        lock (fixture.Service.LastRequestHeaders)
        {
            h = new(fixture.Service.LastRequestHeaders, StringComparer.OrdinalIgnoreCase);
        }

        Assert.Equal("application/grpc", h["Content-Type"]);
        Assert.Equal("trailers", h["TE"]);
        Assert.StartsWith("actorchannel-dotnet/", h["User-Agent"]);
        Assert.Equal("identity,gzip", h["grpc-accept-encoding"]);
        Assert.Equal("example.test:443", h["Host"]);
        Assert.True(GrpcTimeout.TryDecode(h["grpc-timeout"], out var timeout), h["grpc-timeout"]);
        Assert.InRange(timeout, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Error_status_keeps_a_non_ascii_message()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        const string text = "échec — 失敗 😀 100%";
        var options = TestMethods.Safe with
        {
            Headers = new Metadata().Add("x-fail-code", "9").Add("x-fail-message-bin", Encoding.UTF8.GetBytes(text)),
        };
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", options);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(text, ex.Status.Detail);
        Assert.False(ex.NotProcessed);
        Assert.Equal(StatusCode.FailedPrecondition, call.GetStatus().Code);
    }

    [Fact]
    public async Task Missing_grpc_status_is_unknown()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("NoStatus"), "m", TestMethods.Safe));
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Contains("grpc-status", ex.Status.Detail);
    }

    [Theory]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(200, StatusCode.Unknown)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task Non_grpc_response_maps_the_http_status(int http, StatusCode expected)
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var options = TestMethods.Safe with { Headers = new Metadata().Add("x-http-status", http.ToString()) };
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("PlainText"), "m", options));
        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(http.ToString(), ex.Status.Detail);
    }

    [Fact]
    public async Task Unknown_path_is_unimplemented()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Nope"), "m", TestMethods.Safe));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Call_credentials_are_applied_and_refused_on_plaintext_when_they_require_tls()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        string? seenUrl = null;
        var creds = CallCredentials.FromInterceptor((ctx, md, _) =>
        {
            seenUrl = ctx.ServiceUrl + "|" + ctx.MethodName;
            md.Add("x-token", "secret");
            return ValueTask.CompletedTask;
        }, requiresTransportSecurity: false);
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Credentials = creds });
        Assert.Equal("m", await call);
        Assert.Equal("secret", (await call.ResponseHeadersAsync).GetValue("echo-x-token"));
        Assert.Equal($"http://127.0.0.1:{fixture.Server.Port}/test.Echo|Unary", seenUrl);

        var strict = CallCredentials.FromInterceptor((_, md, _) => ValueTask.CompletedTask);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Credentials = strict }));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("transport security", ex.Status.Detail);
    }

    [Fact]
    public async Task Failing_credentials_are_unavailable_naming_the_error()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var creds = CallCredentials.FromInterceptor((_, _, _) => throw new InvalidOperationException("token service down"), requiresTransportSecurity: false);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Credentials = creds }));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("token service down", ex.Status.Detail);
    }

    [Fact]
    public void Reserved_and_malformed_metadata_keys_are_refused_before_any_call()
    {
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => new Metadata().Add("grpc-timeout", "1S")).Message);
        Assert.Contains("pseudo-header", Assert.Throws<ArgumentException>(() => new Metadata().Add(":path", "/x")).Message);
        Assert.Contains("invalid character", Assert.Throws<ArgumentException>(() => new Metadata().Add("bad key", "v")).Message);
        Assert.Contains("printable ASCII", Assert.Throws<ArgumentException>(() => new Metadata().Add("k", "é")).Message);
    }
}
