using System.Collections.Concurrent;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// How a streaming call's request body ends when the client, not the server, ends the call: a server must never
/// read a cancelled upload as a complete one (END_STREAM), and a half-close never cuts a message short.
/// </summary>
public class LocalEndResetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_cancelled_client_streaming_call_reaches_the_server_as_a_reset_not_as_a_complete_request()
    {
        // Repeated: the body's end and the handler's own reset race, and only the reset may come first.
        for (var i = 0; i < 20; i++)
        {
            var firstEnd = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
                s,
                f =>
                {
                    if (f.StreamId == 1 && (f.EndsStream || f.Type == RawServer.RstStream))
                    {
                        firstEnd.TrySetResult(f.Type);
                    }

                    return Task.CompletedTask;
                },
                ct));
            await using var transport = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
            await transport.ConnectAsync(CancellationToken.None);
            var call = transport.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
            await call.RequestStream.WriteAsync("one").WaitAsync(Wait);

            call.Dispose();

            Assert.Equal(RawServer.RstStream, await firstEnd.Task.WaitAsync(Wait));
            var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
            Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
            Assert.Equal(0, transport.ActiveCalls);
        }
    }

    [Fact]
    public async Task Completing_the_request_stream_while_a_write_waits_for_flow_control_is_refused()
    {
        // The server takes the first 64 KiB window and grants no more on stream 1: a 100 KB write stays blocked.
        var received = 0;
        var windowRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var frames = new ConcurrentQueue<(byte Type, byte Flags)>();
        await using var server = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
            s,
            async f =>
            {
                if (f.StreamId == 1 && f.Type is RawServer.Data or RawServer.RstStream)
                {
                    frames.Enqueue((f.Type, f.Flags));
                }

                if (f.StreamId == 1 && f.Type == RawServer.Data)
                {
                    if (Interlocked.Add(ref received, f.Payload.Length) >= 65_535)
                    {
                        windowRead.TrySetResult();
                    }

                    await RawServer.WindowUpdateAsync(s, 0, Math.Max(1, f.Payload.Length), ct);
                }
            },
            ct));
        await using var transport = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await transport.ConnectAsync(CancellationToken.None);
        using var call = transport.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
        var write = call.RequestStream.WriteAsync(new string('x', 100_000));
        await windowRead.Task.WaitAsync(Wait); // the server has read the stream's whole window

        Assert.False(write.IsCompleted);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.CompleteAsync());
        Assert.Contains("write is in progress", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(frames, f => (f.Flags & RawServer.EndStream) != 0 && f.Type == RawServer.Data);
    }

    [Theory]
    [InlineData(0x2, StatusCode.Internal)] // INTERNAL_ERROR
    [InlineData(0x7, StatusCode.Unavailable)] // REFUSED_STREAM (the handler's retry of the streaming body is refused)
    [InlineData(0xb, StatusCode.ResourceExhausted)] // ENHANCE_YOUR_CALM
    public async Task A_server_reset_before_the_response_is_not_reported_as_a_client_cancellation(int code, StatusCode expected)
    {
        await using var server = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
            s,
            async f =>
            {
                if (f.StreamId == 1 && f.Type == RawServer.Data)
                {
                    await RawServer.WriteFrameAsync(s, RawServer.RstStream, 0, 1, [0, 0, 0, (byte)code], ct);
                }
            },
            ct));
        await using var transport = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await transport.ConnectAsync(CancellationToken.None);
        using var call = transport.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
        // The reset answers the first DATA frame, so the write itself may already see it.
        var writeError = await Record.ExceptionAsync(() => call.RequestStream.WriteAsync("one").WaitAsync(Wait));
        Assert.True(writeError is null or RpcException { StatusCode: not StatusCode.Cancelled }, writeError?.ToString());

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(Wait));

        // PROTOCOL-HTTP2's RST_STREAM mapping; never CANCELLED, which would say the client cancelled.
        Assert.True(expected == ex.StatusCode, ex.Status.ToString());
        Assert.Contains("reset", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, transport.ActiveCalls);
    }
}
