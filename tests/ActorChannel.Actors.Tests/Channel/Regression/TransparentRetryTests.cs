using ActorChannel.Transport;
using Xunit;
using Xunit.Abstractions;
using S = ActorChannel.Client.Connectivity.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Regression;

/// <summary>Review #4: the transparent retry after REFUSED_STREAM must not wait for a picker that never comes.</summary>
public class TransparentRetryTests : ChannelTestBase
{
    public TransparentRetryTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Theory]
    [InlineData("pick_first")]
    [InlineData("round_robin")]
    public async Task Refused_stream_on_the_only_ready_backend_is_retried_there(string policy)
    {
        int attempts = 0;
        Transports.Handler = c => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException<object?>(new RpcException(new Status(StatusCode.Unavailable, "refused stream"), notProcessed: true))
            : Task.FromResult<object?>("ok");
        var channel = await DialAsync(policy, [Addr(1)]);
        Assert.Equal(S.Ready, channel.State);

        // No deadline and no time passing: before the fix this waited forever for a new picker.
        var call = CallAsync(channel);
        await SettleAsync();

        Assert.Equal("ok", await call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, attempts);
        Assert.Single(Transports.Transports);
    }

    [Fact]
    public async Task Retry_still_prefers_another_ready_backend()
    {
        int attempts = 0;
        Transports.Handler = c => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException<object?>(new RpcException(new Status(StatusCode.Unavailable, "refused stream"), notProcessed: true))
            : Task.FromResult<object?>(c.Transport.Address.ToString());
        var channel = await DialAsync("round_robin", Addrs(2));

        var call = CallAsync(channel);
        await SettleAsync();
        var answer = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(Transports.Transports, t => Assert.Single(t.Calls));
        var refused = Transports.Transports.Single(t => t.Address.ToString() != answer);
        Assert.Equal(2, attempts);
        Assert.NotEqual(refused.Address.ToString(), answer);
    }
}
