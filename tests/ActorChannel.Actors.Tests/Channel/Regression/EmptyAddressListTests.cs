using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #9: an empty address list is a bad resolver state and is re-resolved.</summary>
public class EmptyAddressListTests : ChannelTestBase
{
    public EmptyAddressListTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task Empty_list_is_resolved_again_and_recovers(string policy)
    {
        var channel = await DialAsync(policy, Addrs(1));
        int before = Resolver.ResolveCount;
        Resolver.Update(global::System.Array.Empty<TransportAddress>());
        await AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(S.TransientFailure, channel.State);
        Assert.True(Resolver.ResolveCount - before >= 2, $"resolved {Resolver.ResolveCount - before} times in 5 minutes");

        // Re-resolution keeps going, so addresses that come back are picked up.
        Resolver.Update(Addrs(1));
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Null(await CallAsync(channel, waitForReady: true, deadline: Clock.Now + TimeSpan.FromSeconds(5)));
    }
}
