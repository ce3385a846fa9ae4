using ActorChannel.Client;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>Channel-level states, method config and per-call credentials, and a channel in a system of its own.</summary>
public class ChannelStateTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task Channel_goes_through_every_aggregate_state_and_subscribers_hear_each()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("round_robin", [Addr(1)]);
        var probe = CreateTestProbe();
        channel.SubscribeState(probe.Ref);
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Connecting);
        await SettleAsync();

        Transports.Latest(Addr(1))!.CompleteConnect();
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Ready);

        Resolver.Update([]);
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.TransientFailure);

        Transports.Script(Addr(2), ConnectScript.Hang);
        Resolver.Update([Addr(2)]);
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Connecting);

        // The balancer counts a subchannel it asked to connect as CONNECTING at once; its transport comes a moment later.
        await SettleAsync();
        Transports.Latest(Addr(2))!.FailConnect();
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.TransientFailure);

        await AdvanceAsync(TimeSpan.FromSeconds(1));
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Ready);

        channel.UnsubscribeState(probe.Ref);
        await SettleAsync();
        await channel.DisposeAsync();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Pick_first_channel_goes_idle_and_connects_again_on_ConnectAsync()
    {
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var probe = CreateTestProbe();
        channel.SubscribeState(probe.Ref);
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Ready);
        Transports.Latest(Addr(1))!.Lose();
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Idle);
        var connect = channel.ConnectAsync();
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Connecting);
        probe.ExpectMsg<ChannelStateChanged>(m => m.Current == S.Ready);
        await connect;
    }

    [Fact]
    public async Task Method_config_wait_for_ready_and_timeout_apply_to_calls()
    {
        var config = """
            {"loadBalancingConfig":[{"pick_first":{}}],
             "methodConfig":[{"name":[{"service":"test.Echo"}],"waitForReady":true,"timeout":"3s"}]}
            """;
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", [Addr(1)], options: Options() with { DefaultServiceConfig = config });
        Assert.Equal(S.TransientFailure, channel.State);
        var call = CallAsync(channel);
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.False(call.IsCompleted);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await FailsWith(StatusCode.DeadlineExceeded, call);
    }

    [Fact]
    public async Task Channel_call_credentials_travel_with_every_call()
    {
        var token = CallCredentials.FromInterceptor((_, headers) =>
        {
            headers.Add("authorization", "Bearer t");
            return Task.CompletedTask;
        });
        var options = Options() with { Credentials = ChannelCredentials.SecureSsl, CallCredentials = token };
        var channel = await DialAsync("pick_first", [Addr(1)], options: options);
        await CallAsync(channel);
        var call = Assert.Single(Transports.Latest(Addr(1))!.Calls);
        Assert.Same(token, call.Options.Credentials);
        Assert.True(TransportSecurity.Of(Transports.Latest(Addr(1))!.Options.Credentials).IsSecure);
        Assert.Equal("test", Transports.Latest(Addr(1))!.Options.Authority);
    }

    [Fact]
    public async Task Composite_credentials_reach_the_transport_whole_and_a_call_s_own_are_added_per_call()
    {
        var token = CallCredentials.FromInterceptor((_, headers) => Task.CompletedTask);
        var own = CallCredentials.FromInterceptor((_, headers) => Task.CompletedTask);
        var composite = ChannelCredentials.Create(ChannelCredentials.SecureSsl, token);
        var channel = await DialAsync("pick_first", [Addr(1)], options: Options() with { Credentials = composite });
        await CallAsync(channel);
        await channel.AsyncUnaryCall(Echo, "hi", new CallOptions(credentials: own)).ResponseAsync;

        // The composite's call credentials are the connection's to add (to every call); the channel adds none itself.
        var transport = Transports.Latest(Addr(1))!;
        var security = TransportSecurity.Of(transport.Options.Credentials);
        Assert.True(security.IsSecure);
        Assert.Same(token, security.CallCredentials);
        Assert.Null(transport.Calls[0].Options.Credentials);
        Assert.Same(own, transport.Calls[1].Options.Credentials);
    }

    [Fact]
    public async Task An_insecure_composite_needs_the_opt_in_and_then_the_channel_adds_its_call_credentials()
    {
        var token = CallCredentials.FromInterceptor((_, headers) => Task.CompletedTask);
        var composite = ChannelCredentials.Create(ChannelCredentials.Insecure, token);
        var refused = Assert.Throws<ArgumentException>(() => ManagedChannel.Dial(Sys, "manual:///x", Options() with { Credentials = composite }));
        Assert.Contains("UnsafeUseInsecureChannelCallCredentials", refused.Message);

        var channel = await DialAsync("pick_first", [Addr(1)], options: Options() with { Credentials = composite, UnsafeUseInsecureChannelCallCredentials = true });
        await CallAsync(channel);

        // The connection is plain h2c; the composite's call credentials go with each call, as the options' own would.
        var transport = Transports.Latest(Addr(1))!;
        var security = TransportSecurity.Of(transport.Options.Credentials);
        Assert.Equal((false, null), (security.IsSecure, security.CallCredentials));
        Assert.Same(token, Assert.Single(transport.Calls).Options.Credentials);
    }

    [Fact]
    public async Task Dial_without_a_system_runs_in_its_own_and_dispose_ends_it()
    {
        var resolver = new ManualResolver(new ResolutionResult([Addr(1)]));
        var options = Options() with { Resolvers = new ResolverRegistry(new ManualResolverFactory(resolver)) };
        var channel = ManagedChannel.Dial("manual:///own", options);
        await channel.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("/user/", channel.Actor.Path.ToStringWithoutAddress());
        await channel.DisposeAsync();
        Assert.Equal(S.Shutdown, channel.State);
        Assert.True(Transports.Latest(Addr(1))!.IsClosed);
    }
}
