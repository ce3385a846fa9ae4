using ActorChannel.Client;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Google.Protobuf;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The transparent retry, which Grpc.Net.Client cannot do across subchannels: backend A stops gracefully (GOAWAY) while
/// the channel still picks its connection — the GOAWAY and the close are held back from A's subchannel, so the window
/// stays open — and every call picked for A, refused there as never sent, lands on backend B with no error.
/// </summary>
[Collection("channel end to end")]
public sealed class TransparentRetryEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Loopback _loopback = new(output);
    private readonly HeldBackTransports _transports = new();
    private RunningGreeterServer _a = null!;
    private RunningGreeterServer _b = null!;
    private TestService.TestServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await _loopback.StartAsync("a");
        _b = await _loopback.StartAsync("b");
        var channel = _loopback.Dial(Loopback.Target(_a, _b), new ManagedChannelOptions
        {
            Backoff = Loopback.ShortBackoff,
            DefaultServiceConfig = """{"loadBalancingConfig":[{"round_robin":{}}]}""",
            TransportFactory = _transports,
        });
        _client = new TestService.TestServiceClient(channel);

        var seen = new HashSet<string>();
        var until = DateTime.UtcNow + Loopback.Bound;
        while (seen.Count < 2 && DateTime.UtcNow < until)
        {
            seen.Add((await _client.EchoAsync(new EchoRequest(), Loopback.Options())).Server);
        }

        Assert.Equal(["actorchannel/a", "actorchannel/b"], seen.Order());
    }

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task Calls_picked_for_a_backend_that_stopped_gracefully_land_on_the_other_one()
    {
        var a = _transports.Hold(TransportAddress.Tcp("127.0.0.1", _a.Port));
        await _a.StopGracefullyAsync().WaitAsync(Loopback.Bound);
        await a.CloseHeld.WaitAsync(Loopback.Bound);

        await CallsAllLandOnBAsync(a);
        a.Release();
    }

    [Fact]
    public async Task Calls_picked_for_a_draining_connection_land_on_the_other_one_and_the_call_in_flight_there_finishes()
    {
        // A call straight on A's connection keeps it open after the GOAWAY: A drains it while refusing new streams.
        // Its echoed header says the server has it before the stop begins.
        var a = _transports.To(TransportAddress.Tcp("127.0.0.1", _a.Port));
        var slow = new EchoRequest { DelayMs = 1000, Payload = ByteString.CopyFromUtf8("drained") };
        using var inFlight = new TestService.TestServiceClient(a.Inner.Invoker).EchoAsync(slow, Loopback.Options(new Metadata { { "x-echo-started", "1" } }));
        await inFlight.ResponseHeadersAsync.WaitAsync(Loopback.Bound);
        _transports.Hold(a.Address);
        var stopping = _a.StopGracefullyAsync();
        await a.GoAwayHeld.WaitAsync(Loopback.Bound);

        await CallsAllLandOnBAsync(a);
        Assert.Equal("drained", (await inFlight.ResponseAsync.WaitAsync(Loopback.Bound)).Payload.ToStringUtf8());
        await stopping.WaitAsync(Loopback.Bound);
        a.Release();
    }

    /// <summary>Round robin picks A for about every other call: each is refused there and retried on B, and none fails.</summary>
    private async Task CallsAllLandOnBAsync(HeldBackTransports.HeldTransport a)
    {
        int triedOnA = a.CallsStarted;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("actorchannel/b", (await _client.EchoAsync(new EchoRequest(), Loopback.Options())).Server);
        }

        for (int i = 0; i < 4; i++)
        {
            using var stream = _client.ServerStream(new StreamRequest { Count = 2 }, Loopback.Options());
            Assert.Equal(2, await stream.ResponseStream.ReadAllAsync().CountAsync());
        }

        Assert.True(a.CallsStarted - triedOnA >= 2, $"the channel picked A's connection for {a.CallsStarted - triedOnA} of 14 calls");
    }
}
