using ActorChannel.Client;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>ConnectAsync, WaitForStateChangeAsync and DisposeAsync in every state.</summary>
public class LifecycleTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task ConnectAsync_returns_when_ready()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var connect = channel.ConnectAsync();
        await SettleAsync();
        Assert.False(connect.IsCompleted);
        Transports.Latest(Addr(1))!.CompleteConnect();
        await connect;
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task ConnectAsync_leaves_idle()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Transports.Latest(Addr(1))!.Lose();
        await SettleAsync();
        Assert.Equal(S.Idle, channel.State);
        await channel.ConnectAsync();
        Assert.Equal(2, Transports.Transports.Count);
    }

    [Fact]
    public async Task ConnectAsync_throws_on_its_deadline()
    {
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", [Addr(1)]);
        using var cts = new CancellationTokenSource();
        var connect = channel.ConnectAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect);
    }

    [Fact]
    public async Task ConnectAsync_with_a_timeout_on_the_channel_clock_names_the_latest_error()
    {
        Transports.DefaultScript = ConnectScript.Fail("refused by backend");
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var connect = channel.ConnectAsync(TimeSpan.FromSeconds(10));
        await AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.False(connect.IsCompleted);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => connect);
        Assert.Contains("TRANSIENT_FAILURE", e.Message);
        Assert.Contains("refused by backend", e.Message);
    }

    [Fact]
    public async Task ConnectAsync_can_fail_on_a_non_temporary_error()
    {
        Transports.DefaultScript = ConnectScript.Fail("certificate rejected", isTemporary: false);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var e = await Assert.ThrowsAsync<TransportConnectException>(() => channel.ConnectAsync(failOnNonTemporaryError: true));
        Assert.Contains("certificate rejected", e.Message);
        Assert.False(e.IsTemporary);
    }

    [Fact]
    public async Task WaitForStateChangeAsync_reports_each_change()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        Assert.Equal(S.Connecting, channel.State);
        Assert.Equal(S.Connecting, await channel.WaitForStateChangeAsync(S.Idle));
        var change = channel.WaitForStateChangeAsync(S.Connecting);
        Assert.False(change.IsCompleted);
        Transports.Latest(Addr(1))!.CompleteConnect();
        Assert.Equal(S.Ready, await change);
    }

    public static TheoryData<S> States => new() { S.Idle, S.Connecting, S.Ready, S.TransientFailure };

    [Theory]
    [MemberData(nameof(States))]
    public async Task Dispose_in_any_state_shuts_everything_down(S state)
    {
        switch (state)
        {
            case S.Connecting: Transports.Script(Addr(1), ConnectScript.Hang); break;
            case S.TransientFailure: Transports.DefaultScript = ConnectScript.Fail(); break;
        }

        var release = new TaskCompletionSource<object?>();
        Transports.Handler = _ => release.Task;
        var channel = await DialAsync("pick_first", Addrs(2));
        if (state == S.Idle)
        {
            Transports.Latest(Addr(1))!.Lose();
            await SettleAsync();

            // The waiting call below wakes the channel; its connection must not come up before the dispose does.
            Transports.Script(Addr(1), ConnectScript.Hang);
        }

        Assert.Equal(state, channel.State);
        var inFlight = state == S.Ready ? CallAsync(channel) : null;
        var waiting = CallAsync(channel, waitForReady: true);
        var probe = CreateTestProbe();
        probe.Watch(channel.Actor);

        await channel.DisposeAsync();

        Assert.Equal(S.Shutdown, channel.State);
        Assert.Empty(channel.GetSubchannels());
        probe.ExpectTerminated(channel.Actor);
        Assert.All(Transports.Transports, t => Assert.True(t.IsClosed));
        var created = Transitions.Select(t => t.SubchannelId).Distinct().ToArray();
        Assert.All(created, id => Assert.Equal(S.Shutdown, Transitions.Last(t => t.SubchannelId == id).To));
        var e = await FailsWith(StatusCode.Cancelled, CallAsync(channel));
        Assert.Equal("channel closed", e.Status.Detail);
        // A call still waiting for a connection ends CANCELLED; in READY it was already in flight.
        await FailsWith(state == S.Ready ? StatusCode.Unavailable : StatusCode.Cancelled, waiting);
        if (inFlight is not null)
        {
            await FailsWith(StatusCode.Unavailable, inFlight);
        }

        await channel.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_closes_connections_still_draining_after_goaway()
    {
        var release = new TaskCompletionSource<object?>();
        Transports.Handler = _ => release.Task;
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var draining = Transports.Latest(Addr(1))!;
        var inFlight = CallAsync(channel);
        draining.GoAway();
        await SettleAsync();
        Assert.True(draining.GracefullyClosed);
        Assert.False(draining.IsClosed);

        await channel.DisposeAsync();
        Assert.True(draining.IsClosed);
        await FailsWith(StatusCode.Unavailable, inFlight);
    }

    [Fact]
    public async Task Dial_rejects_bad_options_naming_them()
    {
        var ok = Options();
        Assert.Contains("No transport security", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { Credentials = null })).Message);
        var token = CallCredentials.FromInterceptor((_, _) => Task.CompletedTask);
        Assert.Contains("require transport security", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { CallCredentials = token })).Message);
        Assert.Contains("require transport security", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, token) })).Message);
        Assert.Contains("ManagedChannelOptions.Credentials: The root certificates", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { Credentials = new SslCredentials("not a certificate") })).Message);
        Assert.Contains("no_such_policy", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { DefaultServiceConfig = """{"loadBalancingConfig":[{"no_such_policy":{}}]}""" })).Message);
        Assert.Contains("InitialBackoff", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { Backoff = new() { InitialBackoff = TimeSpan.Zero } })).Message);
        Assert.Contains("[", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "dns:///[::1", ok with { Resolvers = null })).Message);
        Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "", ok));
        // The transport's own floor: accepted here, it would fail every connect attempt for ever.
        Assert.Contains("ManagedChannelOptions.KeepAlivePingDelay 00:00:00.5000000 is below the 1 s minimum", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { KeepAlivePingDelay = TimeSpan.FromMilliseconds(500) })).Message);
        Assert.Contains("ManagedChannelOptions.KeepAlivePingTimeout", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { KeepAlivePingTimeout = TimeSpan.FromMilliseconds(999) })).Message);
        Assert.Contains("ManagedChannelOptions.KeepAlivePingDelay", Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", ok with { KeepAlivePingDelay = TimeSpan.Zero })).Message);
        await SettleAsync();
        Assert.Empty(Transports.Transports);

        // Opting in to call credentials over plaintext, and TLS composed with call credentials (grpc-go's bundle), both dial.
        await using var allowed = ManagedChannel.Dial(Sys, "manual:///x", ok with { CallCredentials = token, UnsafeUseInsecureChannelCallCredentials = true });
        await using var composite = ManagedChannel.Dial(Sys, "manual:///x", ok with { Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, token) });
        // The shortest keepalive the transport takes, and a ping that may wait for ever, both dial.
        await using var keepAlive = ManagedChannel.Dial(Sys, "manual:///x", ok with { KeepAlivePingDelay = TransportOptions.MinimumKeepAlive, KeepAlivePingTimeout = Timeout.InfiniteTimeSpan });
    }
}
