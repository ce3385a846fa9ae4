using ActorChannel.Client;
using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Interop.Tests.Forward;

/// <summary>A channel dialling our server on a Unix domain socket (a unix: target).</summary>
public sealed class ChannelOverUnixSocket
{
    [Fact]
    public async Task Unary_and_bidi_over_a_unix_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorchannel-{Guid.NewGuid():N}.sock");
        try
        {
            await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { UnixSocketPath = path, InstanceName = "uds" });
            Assert.Equal("unix:" + path, server.Address);
            await using var channel = ManagedChannel.Dial(server.Address, new ManagedChannelOptions { Credentials = ChannelCredentials.Insecure });
            await channel.ConnectAsync(TimeSpan.FromSeconds(20));

            Assert.Equal("Hello unix from uds", await new Greeter.GreeterClient(channel).GreetAsync("unix"));
            using var call = new TestService.TestServiceClient(channel).BidiEcho();
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("x") });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal("x", call.ResponseStream.Current.Payload.ToStringUtf8());
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Unix_socket_and_port_together_are_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GreeterServer.StartAsync(new GreeterServerOptions { UnixSocketPath = "/tmp/x.sock", Port = 5000 }));
        Assert.Contains("UnixSocketPath", error.Message);
    }
}
