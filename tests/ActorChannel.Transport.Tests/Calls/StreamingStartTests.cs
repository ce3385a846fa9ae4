using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// A streaming call reaches the server before its first write: SocketsHttpHandler only flushes the
/// request headers of a body it cannot see the end of when that body writes (dotnet/runtime#96223).
/// </summary>
public class StreamingStartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Duplex_call_gets_the_servers_headers_before_writing_anything()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);

        // Several in a row: the handler's own flushes (connection preface, an earlier request) must not be what sends them.
        for (var i = 0; i < 3; i++)
        {
            using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
            await call.ResponseHeadersAsync.WaitAsync(Wait);
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext().WaitAsync(Wait));
            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        }
    }

    [Fact]
    public async Task Client_streaming_call_to_an_unknown_method_fails_before_writing_anything()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        var method = new Method<string, string>(MethodType.ClientStreaming, "test.Echo", "NoSuchMethod", TestMethods.Utf8, TestMethods.Utf8);
        using var call = t.Invoker.AsyncClientStreamingCall(method, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        await call.RequestStream.CompleteAsync();
        Assert.Equal(0, t.ActiveCalls);
    }
}
