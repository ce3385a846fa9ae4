using ActorChannel.TestKit;
using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #10: only READY connections drain on shutdown; a dial in progress is closed outright.</summary>
public class ShutdownCloseTests : ChannelTestBase
{
    public ShutdownCloseTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public async Task Removing_a_connecting_address_closes_its_dial_hard()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var dialing = Transports.Latest(Addr(1))!;

        Resolver.Update([Addr(2)]);
        await SettleAsync();

        Assert.True(dialing.IsClosed);
        Assert.False(dialing.GracefullyClosed);
        Assert.Empty(channel.Runtime.DrainingTransports);
    }

    [Fact]
    public async Task Removing_a_ready_address_drains_its_calls()
    {
        var answer = new TaskCompletionSource<object?>();
        Transports.Handler = _ => answer.Task;
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var call = CallAsync(channel);
        await SettleAsync();

        Resolver.Update([Addr(2)]);
        await SettleAsync();
        var first = Transports.TransportsTo(Addr(1)).Single();
        Assert.True(first.GracefullyClosed);
        Assert.False(first.IsClosed);
        answer.SetResult("done");
        Assert.Equal("done", await call);
    }
}
