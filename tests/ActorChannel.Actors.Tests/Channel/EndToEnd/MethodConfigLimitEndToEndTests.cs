using ActorChannel.Client;
using ActorChannel.Host.Clients;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

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

    private readonly ILoggerFactory _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new TestOutputLoggerProvider(output)));
    private RunningGreeterServer _backend = null!;
    private ManagedChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _backend = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "lim", LoggerFactory = _logs });
        _channel = ManagedChannel.Dial("ipv4:127.0.0.1:" + _backend.Port, new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = Config,
            LoggerFactory = _logs,
        });
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _backend.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task Greeter_requests_and_replies_over_the_method_config_s_limits_fail_resource_exhausted()
    {
        var greeter = new GreeterClient(_channel);

        // "Hello x from lim" is an 18-byte HelloReply; the request is 3 bytes.
        Assert.Equal("Hello x from lim", await greeter.SayHelloAsync("x", Options()));

        // A 30-character name: a 32-byte request (within 64), but a 47-byte reply (over 40).
        var reply = await Refused(greeter.SayHelloAsync(new string('n', 30), Options()));
        Assert.Contains("47 bytes exceeds the limit of 40 bytes", reply.Status.Detail);

        // A 70-character name: a 72-byte request, refused before it is sent.
        var request = await Refused(greeter.SayHelloAsync(new string('n', 70), Options()));
        Assert.Contains("72 bytes exceeds the send limit of 64 bytes", request.Status.Detail);

        // The reset streams leave the connection in use.
        Assert.Equal("Hello y from lim", await greeter.SayHelloAsync("y", Options()));
        Assert.Equal(S.Ready, _channel.State);
    }

    [Fact]
    public async Task Server_streaming_reply_over_the_limit_fails_and_methods_without_limits_are_unaffected()
    {
        var test = new TestServiceClient(_channel);
        using (var small = test.ServerStream(new StreamRequest { Count = 3, PayloadSize = 50 }, Options()))
        {
            var items = 0;
            while (await small.ResponseStream.MoveNextAsync())
            {
                items++;
            }

            Assert.Equal(3, items);
        }

        // A 200-byte payload makes a 203-byte item (index 0 is not on the wire).
        using (var big = test.ServerStream(new StreamRequest { Count = 3, PayloadSize = 200 }, Options()))
        {
            var ex = await Refused(big.ResponseStream.MoveNextAsync().AsTask());
            Assert.Contains("203 bytes exceeds the limit of 100 bytes", ex.Status.Detail);
        }

        // Echo has no method config: 100 KB both ways pass (the transport's default limits are far above).
        var echo = await test.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]), ResponseSize = 100_000 }, Options());
        Assert.Equal(100_000, echo.Payload.Length);
    }

    private static CallOptions Options() => new() { WaitForReady = true, Deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20) };

    private static async Task<RpcException> Refused(Task call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        return ex;
    }
}
