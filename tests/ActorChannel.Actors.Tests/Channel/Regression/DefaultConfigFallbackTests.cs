using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #11: when the resolver stops sending a service config, the channel falls back to the default.</summary>
public class DefaultConfigFallbackTests : ChannelTestBase
{
    public DefaultConfigFallbackTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public async Task Resolver_without_config_restores_the_default()
    {
        var channel = await DialAsync("pick_first", Addrs(1));
        Resolver.Update(Addrs(1), """{"methodConfig":[{"name":[{"service":"test.Echo"}],"timeout":"7s"}]}""");
        await SettleAsync();
        Assert.Null(await CallAsync(channel));
        var calls = Transports.Latest(Addr(1))!.Calls;
        Assert.NotNull(calls[^1].Options.Deadline);

        Resolver.Update(Addrs(1));
        await SettleAsync();
        Assert.Null(await CallAsync(channel));
        Assert.Null(Transports.Latest(Addr(1))!.Calls[^1].Options.Deadline);
    }
}
