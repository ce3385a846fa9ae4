using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>
/// The method config's maxRequestMessageBytes / maxResponseMessageBytes reach the transport as the limits the channel
/// asks for through IClientTransport.InvokerFor (the transport combines them with its own; see the end-to-end tests).
/// </summary>
public class MethodConfigLimitTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private const string Config = """
        {"loadBalancingConfig":[{"pick_first":{}}],"methodConfig":[
          {"name":[{"service":"test.Echo","method":"Say"}],"maxRequestMessageBytes":100,"maxResponseMessageBytes":"200"},
          {"name":[{"service":"test.Stream"}],"maxRequestMessageBytes":10,"maxResponseMessageBytes":20}]}
        """;

    private static readonly Method<string, string> Other = new(MethodType.Unary, "test.Echo", "Other", StringMarshaller, StringMarshaller);

    [Fact]
    public async Task The_named_method_carries_the_limits_and_other_methods_do_not()
    {
        var channel = await DialAsync("pick_first", Addrs(1), options: Options() with { DefaultServiceConfig = Config, MaxSendMessageSize = 64 });
        Assert.Null(await CallAsync(channel));
        Assert.Null(await channel.AsyncUnaryCall(Other, "hi", default).ResponseAsync);

        var transport = Transports.Latest(Addr(1))!;
        var (say, other) = (Single(transport, "/test.Echo/Say"), Single(transport, "/test.Echo/Other"));
        Assert.Equal((100, 200), (say.MaxSendMessageSize, say.MaxReceiveMessageSize));
        Assert.Equal((null, null), (other.MaxSendMessageSize, other.MaxReceiveMessageSize));

        // The dial options stay the transport's own limits; the transport takes the smaller of both per call.
        Assert.Equal(64, transport.Options.MaxSendMessageSize);
    }

    [Fact]
    public async Task Every_streaming_kind_carries_the_service_wide_limits()
    {
        var channel = await DialAsync("pick_first", Addrs(1), options: Options() with { DefaultServiceConfig = Config });
        var server = channel.AsyncServerStreamingCall(Stream(MethodType.ServerStreaming, "Down"), "hi", default);
        await server.ResponseStream.MoveNext();

        var client = channel.AsyncClientStreamingCall(Stream(MethodType.ClientStreaming, "Up"), default);
        await client.RequestStream.CompleteAsync();
        await client.ResponseAsync;

        var duplex = channel.AsyncDuplexStreamingCall(Stream(MethodType.DuplexStreaming, "Both"), default);
        await duplex.RequestStream.CompleteAsync();
        await duplex.ResponseStream.MoveNext();

        var transport = Transports.Latest(Addr(1))!;
        foreach (var name in new[] { "/test.Stream/Down", "/test.Stream/Up", "/test.Stream/Both" })
        {
            var sent = Single(transport, name);
            Assert.Equal((10, 20), (sent.MaxSendMessageSize, sent.MaxReceiveMessageSize));
        }
    }

    [Fact]
    public async Task A_resolver_config_without_the_limits_removes_them()
    {
        var channel = await DialAsync("pick_first", Addrs(1));
        Resolver.Update(Addrs(1), Config);
        await SettleAsync();
        Assert.Null(await CallAsync(channel));
        Assert.Equal(100, Transports.Latest(Addr(1))!.Calls[^1].MaxSendMessageSize);

        Resolver.Update(Addrs(1), """{"methodConfig":[{"name":[{"service":"test.Echo"}],"timeout":"7s"}]}""");
        await SettleAsync();
        Assert.Null(await CallAsync(channel));
        var last = Transports.Latest(Addr(1))!.Calls[^1];
        Assert.NotNull(last.Options.Deadline);
        Assert.Equal((null, null), (last.MaxSendMessageSize, last.MaxReceiveMessageSize));
    }

    private static Method<string, string> Stream(MethodType type, string name) => new(type, "test.Stream", name, StringMarshaller, StringMarshaller);

    // Read after the calls ended, so the list no longer changes.
    private static FakeCall Single(FakeTransport transport, string method) =>
        Assert.Single(transport.Calls, c => c.Method == method);
}
