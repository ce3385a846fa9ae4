using ActorChannel.Host.Clients;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Google.Protobuf;
using Xunit;

namespace ActorChannel.Interop.Tests.Forward;

/// <summary>Our transport dialling our server on a Unix domain socket.</summary>
public sealed class TransportOverUnixSocket
{
    [Fact]
    public async Task Unary_and_bidi_over_a_unix_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorchannel-{Guid.NewGuid():N}.sock");
        try
        {
            await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { UnixSocketPath = path, InstanceName = "uds" });
            Assert.Equal("unix:" + path, server.Address);
            await using var transport = HttpClientTransportFactory.Instance.Create(TransportAddress.Unix(path), new TransportOptions { Authority = "localhost" }, _ => { });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await transport.ConnectAsync(cts.Token);

            Assert.Equal("Hello unix from uds", await new GreeterClient(transport.Invoker).SayHelloAsync("unix"));
            using var call = new TestServiceClient(transport.Invoker).BidiEcho();
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("x") });
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal("x", call.ResponseStream.Current.Payload.ToStringUtf8());
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNextAsync());
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
