using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

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
            ? Task.FromException<object?>(CallFailures.NotSent("refused stream"))
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
            ? Task.FromException<object?>(CallFailures.NotSent("refused stream"))
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

    /// <summary>
    /// The failures Grpc.Net.Client reports for a call the server never saw, as the real transport hands them over:
    /// a stream reset with REFUSED_STREAM, no connection to send it on (past a GOAWAY), or our own gate's refusal.
    /// </summary>
    public static TheoryData<string> NotProcessedShapes => new() { "REFUSED_STREAM", "connection error", "not sent" };

    [Theory]
    [MemberData(nameof(NotProcessedShapes))]
    public async Task Every_not_processed_shape_is_retried_on_a_new_pick(string shape)
    {
        int attempts = 0;
        Transports.Handler = c => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException<object?>(Unavailable(shape))
            : Task.FromResult<object?>(c.Transport.Address.ToString());
        var channel = await DialAsync("round_robin", Addrs(2));

        var answer = await CallAsync(channel).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, attempts);
        Assert.All(Transports.Transports, t => Assert.Single(t.Calls));
        Assert.NotNull(answer);
    }

    [Theory]
    [InlineData("INTERNAL_ERROR reset")]
    [InlineData("plain")]
    public async Task An_unavailable_call_the_server_may_have_seen_is_not_retried(string shape)
    {
        int attempts = 0;
        Transports.Handler = c =>
        {
            Interlocked.Increment(ref attempts);
            return Task.FromException<object?>(Unavailable(shape));
        };
        var channel = await DialAsync("round_robin", Addrs(2));

        await FailsWith(StatusCode.Unavailable, CallAsync(channel));
        Assert.Equal(1, attempts);
    }

    private static RpcException Unavailable(string shape) => shape switch
    {
        "REFUSED_STREAM" => new(new Status(StatusCode.Unavailable, "stream reset", new HttpProtocolException((long)Http2ErrorCode.RefusedStream, "The HTTP/2 server reset the stream. HTTP/2 error code 'REFUSED_STREAM' (0x7).", null))),
        "connection error" => new(new Status(StatusCode.Unavailable, "no connection", new HttpRequestException(HttpRequestError.ConnectionError, "The connection was closed."))),
        "not sent" => CallFailures.NotSent("the connection is gone"),
        "INTERNAL_ERROR reset" => new(new Status(StatusCode.Unavailable, "stream reset", new HttpProtocolException((long)Http2ErrorCode.InternalError, "The HTTP/2 server reset the stream. HTTP/2 error code 'INTERNAL_ERROR' (0x2).", null))),
        _ => new(new Status(StatusCode.Unavailable, "the connection dropped mid-call", new IOException("connection reset by peer"))),
    };
}
