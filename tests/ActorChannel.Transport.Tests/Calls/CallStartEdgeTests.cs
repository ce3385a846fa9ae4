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

    [Fact]
    public async Task Deadline_firing_inside_start_leaves_no_registration_on_the_user_token()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var time = new ElapsedOnArmTimeProvider(DateTimeOffset.UtcNow);
        await using var t = await LifetimeCallTests.Connect(server, new TransportOptions { TimeProvider = time });
        using var user = new CancellationTokenSource();
        var call = await RunAsync(t, time, user.Token);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // A registration left on the user's token would keep the finished call reachable from it.
        Assert.False(call.IsAlive, "the finished call is still registered on the user's cancellation token");
        Assert.Equal(0, t.ActiveCalls);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunAsync(HttpClientTransport t, TimeProvider time, CancellationToken token)
    {
        var call = new GrpcCall<string, string>(t, TestMethods.Unary(), new CallOptions { Deadline = time.GetUtcNow().AddSeconds(5), CancellationToken = token });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.UnaryAsync("m"));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        return new WeakReference(call);
    }

    /// <summary>Arming a timer takes all its time: the clock passes the due time and the timer fires before CreateTimer returns.</summary>
    private sealed class ElapsedOnArmTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _now += dueTime;
            callback(state);
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
