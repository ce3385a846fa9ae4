using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Interop.Tests;

/// <summary>Our server's wire output, seen through a bare HTTP/2 client.</summary>
public sealed class OurServerWireTests : IAsyncLifetime
{
    private RunningGreeterServer _server = null!;
    private RawGrpcClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "wire", MaxReceiveMessageSize = 1024 * 1024 });
        _client = new RawGrpcClient(_server.Url);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_reply_has_headers_message_and_status_in_trailers()
    {
        var r = await _client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "raw" }));
        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("application/grpc", r.Headers["content-type"]);
        Assert.Equal("0", r.Trailers["grpc-status"]);
        Assert.Equal("Hello raw from wire", HelloReply.Parser.ParseFrom(Assert.Single(r.Messages)).Message);
    }

    [Fact]
    public async Task Error_before_any_message_is_trailers_only_with_percent_encoded_message()
    {
        var request = new EchoRequest { FailWith = new RequestedStatus { Code = (int)StatusCode.FailedPrecondition, Message = "nöt ✓ 100%" } };
        var r = await _client.SendAsync(RpcPaths.Echo, RawGrpcClient.Frame(request));
        Assert.True(r.IsTrailersOnly, $"headers: {string.Join(", ", r.Headers)}; trailers: {string.Join(", ", r.Trailers)}");
        Assert.Equal("9", r.GrpcStatus);
        Assert.Equal("n%C3%B6t %E2%9C%93 100%25", r.RawGrpcMessage);
    }

    [Fact]
    public async Task Unknown_method_is_unimplemented_trailers_only()
    {
        var r = await _client.SendAsync("/nope.Service/Missing", RawGrpcClient.Frame(new HelloRequest()));
        Assert.True(r.IsTrailersOnly);
        Assert.Equal("12", r.GrpcStatus);
        // Grpc.AspNetCore's own wording: it names the missing piece, not the path.
        Assert.Equal("Service is unimplemented.", r.RawGrpcMessage);
    }

    [Fact]
    public async Task Unknown_request_encoding_is_unimplemented_and_names_what_is_accepted()
    {
        var r = await _client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest(), compressed: true), [("grpc-encoding", "snappy")]);
        Assert.Equal("12", r.GrpcStatus);
        Assert.Contains("gzip", r.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task Request_over_the_receive_limit_is_resource_exhausted()
    {
        var r = await _client.SendAsync(RpcPaths.Echo, RawGrpcClient.Frame(new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[1024 * 1024 + 1]) }));
        Assert.Equal("8", r.GrpcStatus);
    }

    [Fact]
    public async Task Truncated_request_is_internal()
    {
        var framed = RawGrpcClient.Frame(new HelloRequest { Name = "cut" });
        var r = await _client.SendAsync(RpcPaths.SayHello, framed[..^2]);
        Assert.Equal("13", r.GrpcStatus);
    }

    [Fact]
    public async Task Malformed_grpc_timeout_is_ignored()
    {
        // Grpc.AspNetCore logs a malformed grpc-timeout and serves the call without a deadline.
        var r = await _client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "late" }), [("grpc-timeout", "12x")]);
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("Hello late from wire", HelloReply.Parser.ParseFrom(Assert.Single(r.Messages)).Message);
    }

    [Fact]
    public async Task Server_side_deadline_ends_the_call_with_deadline_exceeded()
    {
        var r = await _client.SendAsync(RpcPaths.Echo, RawGrpcClient.Frame(new EchoRequest { DelayMs = 30_000 }), [("grpc-timeout", "100m")]);
        Assert.Equal("4", r.GrpcStatus);
    }

    [Fact]
    public async Task Non_grpc_content_type_is_415()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.PostAsync(new Uri(_server.Url, "/helloworld.Greeter/SayHello"), new StringContent("hi"));
        Assert.Equal(415, (int)response.StatusCode);
    }

    [Fact]
    public async Task Gzip_request_gets_a_gzip_response()
    {
        var payload = new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[10_000]) };
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Google.Protobuf.MessageExtensions.ToByteArray(payload));
        }

        var r = await _client.SendAsync(RpcPaths.Echo, RawGrpcClient.Frame(payload, compressed: true, payload: ms.ToArray()), [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")]);
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("gzip", r.Headers["grpc-encoding"]);
        Assert.True(Assert.Single(r.Messages).Length < 1000, "the reply should be compressed");
    }
}
