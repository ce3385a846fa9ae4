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
        var options = TestMethods.Safe.WithHeaders(new Metadata { { "x-text", "plain value" }, { "x-data-bin", bytes } });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, "m");
        Assert.Equal("m", await call);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("plain value", headers.GetValue("echo-x-text"));
        Assert.Equal(bytes, call.GetTrailers().GetValueBytes("echo-x-data-bin"));
        Assert.DoesNotContain(call.GetTrailers(), e => e.Key == "grpc-status");
    }

    [Fact]
    public async Task Request_carries_the_protocol_headers()
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { Authority = "example.test:443", UserAgent = "actorchannel-test/1.2" });
        await using var _t = t;
        await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Headers"), null, TestMethods.Deadline(TimeSpan.FromSeconds(30)), "m");
        Dictionary<string, string> h;
        lock (fixture.Service.LastRequestHeaders)
        {
            h = new(fixture.Service.LastRequestHeaders, StringComparer.OrdinalIgnoreCase);
        }

        Assert.Equal("application/grpc", h["Content-Type"]);
        Assert.Equal("trailers", h["TE"]);
        Assert.StartsWith("actorchannel-test/1.2 grpc-dotnet/", h["User-Agent"]);
        Assert.StartsWith("identity,", h["grpc-accept-encoding"]);
        Assert.Contains("gzip", h["grpc-accept-encoding"]);
        Assert.Equal("example.test:443", h["Host"]);
        Assert.True(GrpcWire.TryParseTimeout(h["grpc-timeout"], out var timeout), h["grpc-timeout"]);
        Assert.InRange(timeout, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Without_a_user_agent_option_the_header_is_grpc_dotnets_alone()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Headers"), null, TestMethods.Safe, "m");
        await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Headers"), null, TestMethods.Safe, "m");
        lock (fixture.Service.LastRequestHeaders)
        {
            Assert.StartsWith("grpc-dotnet/", fixture.Service.LastRequestHeaders["User-Agent"]);
        }
    }

    [Fact]
    public async Task Error_status_keeps_a_non_ascii_message()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        const string text = "échec — 失敗 😀 100%";
        var options = TestMethods.Safe.WithHeaders(new Metadata { { "x-fail-code", "9" }, { "x-fail-message-bin", Encoding.UTF8.GetBytes(text) } });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, "m");
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(text, ex.Status.Detail);
        Assert.False(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.Equal(StatusCode.FailedPrecondition, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Missing_grpc_status_is_unknown()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("NoStatus"), null, TestMethods.Safe, "m"));
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
        var options = TestMethods.With(("x-http-status", http.ToString()));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("PlainText"), null, options, "m"));
        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(http.ToString(), ex.Status.Detail);
    }

    [Fact]
    public async Task Unknown_path_is_unimplemented()
    {
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary("Nope"), null, TestMethods.Safe, "m"));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Call_credentials_are_applied_on_plaintext_only_when_allowed()
    {
        string? seenUrl = null;
        var creds = CallCredentials.FromInterceptor((ctx, md) =>
        {
            seenUrl = ctx.ServiceUrl + "|" + ctx.MethodName;
            md.Add("x-token", "secret");
            return Task.CompletedTask;
        });

        var (allowed, _) = await fixture.ConnectAsync(new TransportOptions { UnsafeUseInsecureChannelCallCredentials = true });
        await using (allowed)
        {
            var call = allowed.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithCredentials(creds), "m");
            Assert.Equal("m", await call);
            Assert.Equal("secret", (await call.ResponseHeadersAsync).GetValue("echo-x-token"));
            Assert.Equal($"http://127.0.0.1:{fixture.Server.Port}/test.Echo|Unary", seenUrl);
        }

        // Over plaintext without the option, Grpc.Net.Client never asks them (C-core's rule): the call goes without.
        seenUrl = null;
        var (t, _) = await fixture.ConnectAsync();
        await using var _t = t;
        var plain = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithCredentials(creds), "m");
        Assert.Equal("m", await plain);
        Assert.Null((await plain.ResponseHeadersAsync).GetValue("echo-x-token"));
        Assert.Null(seenUrl);
    }

    [Fact]
    public async Task Failing_credentials_fail_the_call_naming_the_error()
    {
        var (t, _) = await fixture.ConnectAsync(new TransportOptions { UnsafeUseInsecureChannelCallCredentials = true });
        await using var _t = t;
        var creds = CallCredentials.FromInterceptor((_, _) => throw new InvalidOperationException("token service down"));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithCredentials(creds), "m"));
        Assert.True(ex.StatusCode == StatusCode.Internal, ex.Status.ToString());
        Assert.Contains("token service down", ex.Status.Detail);
        Assert.False(CallFailures.NotProcessed(ex));
    }
}
