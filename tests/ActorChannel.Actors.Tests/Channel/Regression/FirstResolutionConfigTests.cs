using ActorChannel.TestKit;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>
/// A call started before the resolver has answered must still get the method config that answer (or the default) brings:
/// grpc-go waits for the first resolver update before it reads the method config. Found porting the end-to-end tests:
/// calls made right after Dial ran without their configured timeout, waitForReady and limits.
/// </summary>
public class FirstResolutionConfigTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private const string Config = """
        {"loadBalancingConfig":[{"pick_first":{}}],"methodConfig":[
          {"name":[{"service":"test.Echo"}],"timeout":"7s","waitForReady":true,"maxRequestMessageBytes":100}]}
        """;

    [Fact]
    public async Task A_call_started_before_the_first_resolution_gets_the_method_config_it_brings()
    {
        var channel = await DialAsync("pick_first", addresses: null);
        var call = CallAsync(channel);
        await SettleAsync();
        Assert.False(call.IsCompleted);

        Resolver.Update(Addrs(1), Config);
        await SettleAsync();
        Assert.Null(await call.WaitAsync(TimeSpan.FromSeconds(30)));

        var sent = Assert.Single(Transports.Latest(Addr(1))!.Calls);
        Assert.NotNull(sent.Options.Deadline);
        Assert.True(sent.Options.IsWaitForReady);
        Assert.Equal(100, sent.MaxSendMessageSize);
    }

    [Fact]
    public async Task The_first_config_s_wait_for_ready_keeps_an_early_call_waiting_through_failed_attempts()
    {
        Transports.Script(Addr(1), ConnectScript.Fail());
        var channel = await DialAsync("pick_first", addresses: null);
        var call = CallAsync(channel);
        Resolver.Update(Addrs(1), Config);
        await SettleAsync();
        Assert.Equal(ConnectivityState.TransientFailure, channel.State);
        Assert.False(call.IsCompleted);

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(ConnectivityState.Ready, channel.State);
        Assert.Null(await call.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_call_waiting_for_the_first_resolution_ends_at_its_deadline_or_when_cancelled_or_closed()
    {
        var channel = await DialAsync("pick_first", addresses: null);
        var timed = CallAsync(channel, deadline: Clock.Now + TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();
        var cancelled = CallAsync(channel, ct: cts.Token);
        var closed = CallAsync(channel);

        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await FailsWith(StatusCode.DeadlineExceeded, timed);
        cts.Cancel();
        await FailsWith(StatusCode.Cancelled, cancelled);
        await channel.DisposeAsync();
        Assert.Contains("channel closed", (await FailsWith(StatusCode.Cancelled, closed)).Status.Detail);
    }
}
