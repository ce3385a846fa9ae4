using ActorChannel.Client.Config;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #1 and #2: a resolver's service config is untrusted input and must never take the channel down.</summary>
public class BadServiceConfigTests : ChannelTestBase
{
    public BadServiceConfigTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static bool Known(string name) => name is "pick_first" or "round_robin";

    [Theory]
    [InlineData("""{"methodConfig":[{"name":[1]}]}""", "methodConfig[0].name[0] must be an object")]
    [InlineData("""{"methodConfig":[{"timeout":"1000000000000s"}]}""", "methodConfig[0].timeout must be at most")]
    public void Parser_rejects_shapes_that_used_to_throw(string json, string expected)
    {
        Assert.False(ServiceConfigParser.TryParse(json, Known, out var config, out var error));
        Assert.Null(config);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Max_protobuf_duration_is_accepted()
    {
        var c = ServiceConfigParser.Parse("""{"methodConfig":[{"timeout":"315576000000s"}]}""", Known);
        Assert.Equal(TimeSpan.FromSeconds(315_576_000_000), c.MethodConfigs[0].Timeout);
    }

    [Theory]
    [InlineData("""{"methodConfig":[{"name":[1]}]}""")]
    [InlineData("""{"methodConfig":[{"name":[{"service":"test.Echo"}],"timeout":"1000000000000s"}]}""")]
    public async Task Malformed_config_from_the_resolver_keeps_the_channel_serving(string json)
    {
        var channel = await DialAsync("round_robin", Addrs(2));
        Assert.Equal(S.Ready, channel.State);
        Resolver.Update(Addrs(2), json);
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(S.Ready, channel.State);
        Assert.Equal(2, Transports.Transports.Count);
        Assert.All(Transports.Transports, t => Assert.False(t.IsClosed));
        Assert.Null(await CallAsync(channel, deadline: Clock.Now + TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_method_name_that_is_not_a_string_does_not_become_every_method_s_config()
    {
        // {"service":5} was read as no service: the default config, so every call got its 1 s deadline.
        var channel = await DialAsync("pick_first", Addrs(1));
        Resolver.Update(Addrs(1), """{"methodConfig":[{"name":[{"service":5}],"timeout":"1s"}]}""");
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Null(await CallAsync(channel));
        Assert.Null(Transports.Transports.Single().Calls.Last().Options.Deadline);
    }

    [Fact]
    public async Task A_config_with_bad_retry_throttling_is_not_applied_in_part()
    {
        // gRPC rejects this config whole; it used to switch the channel to round_robin and drop only what it did not read.
        var channel = await DialAsync("pick_first", Addrs(3));
        Assert.Single(Transports.Transports);

        Resolver.Update(Addrs(3), """{"retryThrottling":{"maxTokens":0,"tokenRatio":0},"loadBalancingConfig":[{"round_robin":{}}]}""");
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Single(Transports.Transports);
        Assert.Equal(S.Ready, channel.State);
        Assert.Null(await CallAsync(channel));
    }

    [Fact]
    public async Task Max_timeout_in_method_config_means_no_deadline()
    {
        var channel = await DialAsync("round_robin", Addrs(1));
        Resolver.Update(Addrs(1), """{"methodConfig":[{"name":[{"service":"test.Echo"}],"timeout":"315576000000s"}]}""");
        await SettleAsync();

        Assert.Null(await CallAsync(channel));
        Assert.Null(Transports.Latest(Addr(1))!.Calls.Single().Options.Deadline);
    }
}
