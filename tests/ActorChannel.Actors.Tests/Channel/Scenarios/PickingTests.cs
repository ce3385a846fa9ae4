using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>Fail-fast against wait-for-ready, deadlines, cancellation and transparent retry, through the channel.</summary>
public class PickingTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    [Fact]
    public async Task Resolver_error_without_addresses_is_transient_failure_and_fails_fast_calls_unavailable()
    {
        var channel = await DialAsync("pick_first", null, resolverError: "no such host: nowhere");
        Assert.Equal(S.TransientFailure, channel.State);
        var e = await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Contains("no such host: nowhere", e.Status.Detail);

        var waiting = CallAsync(channel, waitForReady: true);
        await SettleAsync();
        Assert.False(waiting.IsCompleted);
        Resolver.Update([Addr(1)]);
        await SettleAsync();
        Assert.Null(await waiting);
        Assert.Equal(S.Ready, channel.State);
    }

    [Fact]
    public async Task Connection_failures_fail_fast_calls_with_the_last_error_while_wait_for_ready_calls_wait()
    {
        Transports.DefaultScript = ConnectScript.Fail("connection refused");
        var channel = await DialAsync("round_robin", Addrs(2));
        Assert.Equal(S.TransientFailure, channel.State);
        var e = await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Contains("last connection error: ", e.Status.Detail);
        Assert.Contains("connection refused", e.Status.Detail);

        var waiting = CallAsync(channel, waitForReady: true);
        Transports.DefaultScript = ConnectScript.Succeed;
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(S.Ready, channel.State);
        Assert.Null(await waiting);
    }

    [Fact]
    public async Task Fail_fast_calls_wait_while_connecting()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var call = CallAsync(channel);
        await SettleAsync();
        Assert.False(call.IsCompleted);
        Transports.Latest(Addr(1))!.CompleteConnect();
        await SettleAsync();
        Assert.Null(await call);
    }

    [Fact]
    public async Task Deadline_while_waiting_is_deadline_exceeded_with_the_latest_balancer_error()
    {
        Transports.DefaultScript = ConnectScript.Fail("refused by test");
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var call = CallAsync(channel, waitForReady: true, deadline: Clock.Now.AddSeconds(5));
        await AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var e = await FailsWith(StatusCode.DeadlineExceeded, call);
        Assert.Contains("latest balancer error", e.Status.Detail);
        Assert.Contains("refused by test", e.Status.Detail);
    }

    [Fact]
    public async Task Cancelling_a_waiting_call_gives_cancelled()
    {
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        using var cts = new CancellationTokenSource();
        var call = CallAsync(channel, ct: cts.Token);
        cts.Cancel();
        await FailsWith(StatusCode.Cancelled, call);

        var disposed = channel.AsyncUnaryCall(Echo, "x", new CallOptions());
        disposed.Dispose();
        await FailsWith(StatusCode.Cancelled, disposed.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, disposed.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_call_the_transport_did_not_process_is_retried_once_on_a_new_pick()
    {
        int calls = 0;
        Transports.Handler = call => Interlocked.Increment(ref calls) == 1
            ? Task.FromException<object?>(CallFailures.NotSent("refused stream"))
            : Task.FromResult<object?>(call.Transport.Address.ToString());
        var channel = await DialAsync("round_robin", Addrs(2));
        var answer = await CallAsync(channel);
        Assert.Equal(2, calls);
        Assert.Single(Transports.Latest(Addr(1))!.Calls);
        Assert.Single(Transports.Latest(Addr(2))!.Calls);
        Assert.NotNull(answer);
    }

    [Fact]
    public async Task An_unprocessed_call_is_not_retried_on_the_same_draining_connection()
    {
        int calls = 0;
        Transports.Handler = call =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // The server is going away: GOAWAY and the refused stream race towards the channel.
                call.Transport.GoAway(lastStreamId: 0);
                return Task.FromException<object?>(CallFailures.NotSent("beyond GOAWAY"));
            }

            return Task.FromResult<object?>(call.Transport.ToString());
        };
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var first = Transports.Latest(Addr(1))!;
        var call = CallAsync(channel);
        await SettleAsync();
        Assert.NotNull(await call);
        Assert.Equal(2, Transports.TransportsTo(Addr(1)).Count);
        Assert.Single(first.Calls);
        Assert.Single(Transports.Latest(Addr(1))!.Calls);
    }

    [Fact]
    public async Task A_moved_call_waiting_for_a_new_pick_ends_at_its_deadline_on_the_channels_clock()
    {
        // The only connection refuses the call as it goes; reconnecting then hangs, so the moved call waits (it waits
        // for ready) until its deadline, which the channel's clock (here the TestScheduler) keeps.
        Transports.Script(Addr(1), ConnectScript.Succeed, ConnectScript.Hang);
        Transports.Handler = call =>
        {
            call.Transport.Lose();
            return Task.FromException<object?>(CallFailures.NotSent("connection lost"));
        };
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var call = CallAsync(channel, waitForReady: true, deadline: Clock.Now.AddSeconds(5));
        await AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        // A wall-clock bound only so that a call left waiting fails the test instead of hanging it.
        await FailsWith(StatusCode.DeadlineExceeded, call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Only_one_transparent_retry()
    {
        Transports.Handler = _ => Task.FromException<object?>(CallFailures.NotSent("refused stream"));
        var channel = await DialAsync("round_robin", Addrs(2));
        await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Equal(2, Transports.Transports.Sum(t => t.Calls.Count));
    }

    [Fact]
    public async Task A_processed_failure_is_not_retried()
    {
        Transports.Handler = _ => Task.FromException<object?>(new RpcException(new Status(StatusCode.Internal, "boom")));
        var channel = await DialAsync("round_robin", Addrs(2));
        await FailsWith(StatusCode.Internal, CallAsync(channel));
        Assert.Equal(1, Transports.Transports.Sum(t => t.Calls.Count));
    }

    [Fact]
    public async Task All_four_call_kinds_go_through_the_channel()
    {
        Transports.Handler = call => Task.FromResult<object?>(call.Type + ":" + (call.Request is List<object?> list ? string.Join(",", list) : call.Request));
        Transports.Script(Addr(1), ConnectScript.Hang);
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var m = (MethodType t) => new Method<string, string>(t, "test.Echo", t.ToString(), StringMarshaller, StringMarshaller);

        // Started before the channel is READY: every call object comes back at once and waits for the pick.
        var unary = channel.AsyncUnaryCall(m(MethodType.Unary), "a", new CallOptions());
        var server = channel.AsyncServerStreamingCall(m(MethodType.ServerStreaming), "b", new CallOptions());
        var client = channel.AsyncClientStreamingCall(m(MethodType.ClientStreaming), new CallOptions());
        var duplex = channel.AsyncDuplexStreamingCall(m(MethodType.DuplexStreaming), new CallOptions());
        var clientWrites = Task.Run(async () =>
        {
            await client.RequestStream.WriteAsync("c1");
            await client.RequestStream.WriteAsync("c2");
            await client.RequestStream.CompleteAsync();
        });
        Transports.Latest(Addr(1))!.CompleteConnect();
        await SettleAsync();

        Assert.Equal("Unary:a", await unary);
        Assert.True(await server.ResponseStream.MoveNext());
        Assert.Equal("ServerStreaming:b", server.ResponseStream.Current);
        Assert.False(await server.ResponseStream.MoveNext());
        await clientWrites;
        Assert.Equal("ClientStreaming:c1,c2", await client);
        await duplex.RequestStream.WriteAsync("d");
        await duplex.RequestStream.CompleteAsync();
        Assert.True(await duplex.ResponseStream.MoveNext());
        Assert.Equal("DuplexStreaming:d", duplex.ResponseStream.Current);
        Assert.Equal(StatusCode.OK, unary.GetStatus().StatusCode);
        Assert.NotNull(await unary.ResponseHeadersAsync);
    }

    [Fact]
    public async Task Streaming_call_that_fails_to_pick_reports_the_error_on_its_streams()
    {
        Transports.DefaultScript = ConnectScript.Fail();
        var channel = await DialAsync("pick_first", [Addr(1)]);
        var server = channel.AsyncServerStreamingCall(new Method<string, string>(MethodType.ServerStreaming, "test.Echo", "S", StringMarshaller, StringMarshaller), "b", new CallOptions());
        await FailsWith(StatusCode.Unavailable, server.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unavailable, server.GetStatus().StatusCode);
        await FailsWith(StatusCode.Unavailable, server.ResponseHeadersAsync);
    }
}
