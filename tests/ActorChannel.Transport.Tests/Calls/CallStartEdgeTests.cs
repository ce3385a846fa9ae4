using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>Starting a call at the edges: far deadlines, a deadline already over when the call starts.</summary>
public class CallStartEdgeTests
{
    [Theory]
    [InlineData(60.0)]
    [InlineData(double.PositiveInfinity)]
    public async Task Deadline_beyond_the_timer_range_runs_the_call_and_releases_it(double days)
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        var deadline = double.IsInfinity(days) ? DateTime.MaxValue : DateTime.UtcNow.AddDays(days);
        Assert.Equal("far", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, new CallOptions(deadline: deadline), "far"));
        Assert.Equal(0, t.ActiveCalls);

        using (var stream = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, new CallOptions(deadline: deadline), "1"))
        {
            while (await stream.ResponseStream.MoveNext())
            {
            }

            Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
        }

        Assert.Equal(0, t.ActiveCalls);
    }

    [Fact]
    public async Task Deadline_over_at_start_leaves_no_registration_on_the_user_token()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        await using var t = await LifetimeCallTests.Connect(server);
        using var user = new CancellationTokenSource();
        var headers = await RunAsync(t, user.Token);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The call holds its options (and so these headers) as long as it lives: a registration left on the
        // user's token would keep the finished call, and the headers, reachable from it.
        Assert.False(headers.IsAlive, "the finished call is still registered on the user's cancellation token");
        Assert.Equal(0, t.ActiveCalls);
        GC.KeepAlive(user);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunAsync(HttpClientTransport t, CancellationToken token)
    {
        var headers = new Metadata { { "x-probe", "1" } };
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(-1), token);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, options, "m"));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        return new WeakReference(headers);
    }
}
