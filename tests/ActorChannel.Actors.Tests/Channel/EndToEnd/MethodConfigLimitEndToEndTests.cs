using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Google.Protobuf;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The service config's maxRequestMessageBytes / maxResponseMessageBytes, applied per method by the channel and
/// enforced by the real HTTP/2 transport against the Greeter server on loopback.
/// </summary>
[Collection("channel end to end")]
public sealed class MethodConfigLimitEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Config = """
        {"loadBalancingConfig":[{"pick_first":{}}],"methodConfig":[
          {"name":[{"service":"helloworld.Greeter","method":"SayHello"}],"maxRequestMessageBytes":64,"maxResponseMessageBytes":40},
          {"name":[{"service":"actorchannel.testing.TestService","method":"ServerStream"}],"maxResponseMessageBytes":100}]}
        """;

    private readonly Loopback _loopback = new(output);
    private RunningGreeterServer _backend = null!;
    private ManagedChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _backend = await _loopback.StartAsync("lim");
        _channel = _loopback.Dial(Loopback.Target(_backend), new ManagedChannelOptions { DefaultServiceConfig = Config });
    }

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task Greeter_requests_and_replies_over_the_method_config_s_limits_fail_resource_exhausted()
    {
        var greeter = new Greeter.GreeterClient(_channel);

        // "Hello x from lim" is an 18-byte HelloReply; the request is 3 bytes.
        Assert.Equal("Hello x from lim", await greeter.GreetAsync("x", Loopback.Options()));

        // A 30-character name: a 32-byte request (within 64), but a 47-byte reply (over 40): the server handled it.
        var handled = _backend.Events.CallsStarted;
        await Refused(greeter.GreetAsync(new string('n', 30), Loopback.Options()));
        Assert.Equal(handled + 1, _backend.Events.CallsStarted);

        // A 70-character name: a 72-byte request, refused before it is sent: the server's handler never ran.
        await Refused(greeter.GreetAsync(new string('n', 70), Loopback.Options()));
        Assert.Equal(handled + 1, _backend.Events.CallsStarted);

        // The reset streams leave the connection in use.
        Assert.Equal("Hello y from lim", await greeter.GreetAsync("y", Loopback.Options()));
        Assert.Equal(S.Ready, _channel.State);
    }

    [Fact]
    public async Task Server_streaming_reply_over_the_limit_fails_and_methods_without_limits_are_unaffected()
    {
        var test = new TestService.TestServiceClient(_channel);
        using (var small = test.ServerStream(new StreamRequest { Count = 3, PayloadSize = 50 }, Loopback.Options()))
        {
            var items = 0;
            while (await small.ResponseStream.MoveNext())
            {
                items++;
            }

            Assert.Equal(3, items);
        }

        // A 200-byte payload makes a 203-byte item (index 0 is not on the wire).
        using (var big = test.ServerStream(new StreamRequest { Count = 3, PayloadSize = 200 }, Loopback.Options()))
        {
            await Refused(big.ResponseStream.MoveNext());
        }

        // Echo has no method config: 100 KB both ways pass (the transport's default limits are far above).
        var echo = await test.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]), ResponseSize = 100_000 }, Loopback.Options());
        Assert.Equal(100_000, echo.Payload.Length);
    }

    [Fact]
    public async Task The_channel_s_own_limits_win_where_they_are_smaller_than_the_method_config_s()
    {
        var tight = _loopback.Dial(Loopback.Target(_backend), new ManagedChannelOptions { DefaultServiceConfig = Config, MaxSendMessageSize = 16, MaxReceiveMessageSize = 20 });
        var greeter = new Greeter.GreeterClient(tight);

        // An 18-byte reply and a 3-byte request are within both.
        Assert.Equal("Hello x from lim", await greeter.GreetAsync("x", Loopback.Options()));

        // A 22-byte reply: within the config's 40, over the channel's 20.
        await Refused(greeter.GreetAsync("nnnnn", Loopback.Options()));

        // A 22-byte request: within the config's 64, over the channel's 16.
        var handled = _backend.Events.CallsStarted;
        await Refused(greeter.GreetAsync(new string('n', 20), Loopback.Options()));
        Assert.Equal(handled, _backend.Events.CallsStarted);
    }

    private static async Task<RpcException> Refused(Task call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        return ex;
    }
}
