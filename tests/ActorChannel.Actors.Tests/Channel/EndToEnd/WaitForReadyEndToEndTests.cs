using ActorChannel.Actors.Tests.Resolution.Servers;
using ActorChannel.Client;
using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Wait-for-ready, which Grpc.Net.Client has no notion of per subchannel: a call started while the channel cannot
/// connect waits for a pick and completes once the backend comes up; a call that does not wait fails fast. The method
/// config's waitForReady makes a method's calls wait without the caller asking.
/// </summary>
[Collection("channel end to end")]
public sealed class WaitForReadyEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string EchoWaitsForReady = """
        {"methodConfig":[{"name":[{"service":"actorchannel.testing.TestService","method":"Echo"}],"waitForReady":true}]}
        """;

    private readonly Loopback _loopback = new(output);
    private readonly TaskCompletionSource _failing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _port = LoopbackPorts.Free();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task A_wait_for_ready_call_started_before_the_backend_is_up_completes_once_it_is()
    {
        var client = DialNothing(serviceConfig: null);
        using var waiting = client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("early") }, Loopback.Options());
        await _failing.Task.WaitAsync(Loopback.Bound);

        var fast = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest(), NoWait()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, fast.StatusCode);
        Assert.False(waiting.ResponseAsync.IsCompleted);

        await _loopback.StartAsync("late", _port);
        var reply = await waiting.ResponseAsync.WaitAsync(Loopback.Bound);
        Assert.Equal("early", reply.Payload.ToStringUtf8());
        Assert.Equal("actorchannel/late", reply.Server);
    }

    [Fact]
    public async Task The_method_config_s_wait_for_ready_makes_that_method_wait_and_no_other()
    {
        var client = DialNothing(EchoWaitsForReady);
        using var waiting = client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("configured") }, NoWait());
        await _failing.Task.WaitAsync(Loopback.Bound);

        using var other = client.ServerStream(new StreamRequest { Count = 1 }, NoWait());
        var fast = await Assert.ThrowsAsync<RpcException>(() => other.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unavailable, fast.StatusCode);
        Assert.False(waiting.ResponseAsync.IsCompleted);

        await _loopback.StartAsync("late", _port);
        var reply = await waiting.ResponseAsync.WaitAsync(Loopback.Bound);
        Assert.Equal("configured", reply.Payload.ToStringUtf8());
    }

    /// <summary>Not wait-for-ready; the deadline only bounds the test.</summary>
    private static CallOptions NoWait() => new(deadline: DateTime.UtcNow + Loopback.Bound);

    /// <summary>A channel to a port nobody listens on (yet); <see cref="_failing"/> completes at its first failed attempt.</summary>
    private TestService.TestServiceClient DialNothing(string? serviceConfig)
    {
        var channel = _loopback.Dial("ipv4:127.0.0.1:" + _port, new ManagedChannelOptions
        {
            Backoff = Loopback.ShortBackoff,
            DefaultServiceConfig = serviceConfig,
            TransitionObserver = t =>
            {
                if (t.To == ConnectivityState.TransientFailure)
                {
                    _failing.TrySetResult();
                }
            },
        });
        return new TestService.TestServiceClient(channel);
    }
}
