using System.Diagnostics;
using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Client;
using ActorChannel.Protos.Testing;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// The method config's timeout becomes the call's deadline when it is sooner than the caller's: it ends a call the
/// server is slow to answer, and a call still waiting for a pick, with DEADLINE_EXCEEDED; other methods keep theirs.
/// </summary>
[Collection("channel end to end")]
public sealed class MethodConfigTimeoutEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string EchoTimesOut = """
        {"methodConfig":[{"name":[{"service":"actorchannel.testing.TestService","method":"Echo"}],"timeout":"0.3s"}]}
        """;

    private readonly Loopback _loopback = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task A_slow_reply_ends_at_the_config_s_timeout_and_other_methods_keep_the_caller_s_deadline()
    {
        var backend = await _loopback.StartAsync("slow");
        var client = Dial(Loopback.Target(backend));

        // The caller allows 20 s and the server would take 60 s: the config's 0.3 s ends it.
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { DelayMs = 60_000 }, Loopback.Options()).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.True(clock.Elapsed < Loopback.Bound, $"took {clock.Elapsed}");

        // ServerStream has no method config: a stream that takes longer than 0.3 s completes.
        using var stream = client.ServerStream(new StreamRequest { Count = 3, IntervalMs = 250 }, Loopback.Options());
        Assert.Equal(3, await stream.ResponseStream.ReadAllAsync().CountAsync());
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_call_waiting_for_a_pick_ends_at_the_config_s_timeout()
    {
        var client = Dial("ipv4:127.0.0.1:" + LoopbackPorts.Free());

        var e = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest(), Loopback.Options()).ResponseAsync.WaitAsync(Loopback.Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    private TestService.TestServiceClient Dial(string target) =>
        new(_loopback.Dial(target, new ManagedChannelOptions { Backoff = Loopback.ShortBackoff, DefaultServiceConfig = EchoTimesOut }));
}
