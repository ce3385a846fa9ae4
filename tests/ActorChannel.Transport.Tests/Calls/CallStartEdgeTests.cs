using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Starting a call at the edges: far deadlines, a deadline firing while the call is being set up.</summary>
public class CallStartEdgeTests
{
    [Theory]
    [InlineData(60.0)]
    [InlineData(double.PositiveInfinity)]
    public async Task Deadline_beyond_the_timer_range_runs_the_call_and_releases_it(double days)
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        var deadline = double.IsInfinity(days) ? DateTimeOffset.MaxValue : DateTimeOffset.UtcNow.AddDays(days);
        Assert.Equal("far", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "far", new CallOptions { Deadline = deadline }));
        Assert.Equal(0, t.ActiveCalls);

        using var stream = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, "1", new CallOptions { Deadline = deadline });
        while (await stream.ResponseStream.MoveNextAsync())
        {
        }

        Assert.Equal(StatusCode.OK, stream.GetStatus().Code);
        Assert.Equal(0, t.ActiveCalls);
    }
}
