using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// A server may end a client- or duplex-streaming call while the client's request body is still
/// open (RFC 9113 §8.1), and it need not follow with RST_STREAM. The call must end with the
/// server's status at once, not at its deadline, and free its HTTP/2 stream.
/// </summary>
public class EarlyServerEndTests
{
    // A real network: bounded waits, well inside the calls' 30 s deadline.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.TrailersOnly)]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.MessageThenTrailers)]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.TrailersOnlyThenReset)]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.MessageThenTrailersThenReset)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.TrailersOnly)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.MessageThenTrailers)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.TrailersOnlyThenReset)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.MessageThenTrailersThenReset)]
    public async Task Server_ending_the_call_while_the_request_is_open_ends_it_with_the_servers_status(MethodType kind, EarlyEnding ending)
    {
        await using var server = new EarlyEndServer(ending);
        await using var t = new HttpClientTransport(server.Raw.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var failed = ending is EarlyEnding.TrailersOnly or EarlyEnding.TrailersOnlyThenReset;
        var options = TestMethods.Deadline(TimeSpan.FromSeconds(30));

        if (kind == MethodType.ClientStreaming)
        {
            using var call = t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, options);
            await call.RequestStream.WriteAsync("one").WaitAsync(Wait);
            if (failed)
            {
                var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
                Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
            }
            else
            {
                Assert.Equal("reply", await call.ResponseAsync.WaitAsync(Wait));
            }

            await AssertWritesEndedAsync(call.RequestStream, failed);
        }
        else
        {
            using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, options);
            await call.RequestStream.WriteAsync("one").WaitAsync(Wait);
            if (failed)
            {
                var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(Wait));
                Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
            }
            else
            {
                Assert.True(await call.ResponseStream.MoveNext().WaitAsync(Wait));
                Assert.Equal("reply", call.ResponseStream.Current);
                Assert.False(await call.ResponseStream.MoveNext().WaitAsync(Wait));
                Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
            }

            await AssertWritesEndedAsync(call.RequestStream, failed);
        }

        Assert.Equal(0, t.ActiveCalls);

        // The server allows one concurrent stream: the next call only gets one if the first was freed.
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(TimeSpan.FromSeconds(30)), "next").ResponseAsync.WaitAsync(Wait));
        Assert.Equal(0, t.ActiveCalls);

        // Without the server's RST_STREAM, the client must close its half so the server frees the stream too: a
        // clean END_STREAM, or RST_STREAM (PROTOCOL-HTTP2's "Early Server Closure" asks the client for one; the
        // handler sends CANCEL where the spec suggests NO_ERROR, which frees the stream all the same).
        if (ending is EarlyEnding.TrailersOnly or EarlyEnding.MessageThenTrailers)
        {
            var (type, code) = await server.FirstStreamClosedByClient.WaitAsync(Wait);
            Assert.True(type is RawServer.Data or RawServer.RstStream, $"frame type {type}");
            Assert.True(type == RawServer.Data || code is 0x0 or 0x8, $"RST_STREAM code {code}");
        }
    }

    [Theory]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.TrailersOnly)]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.MessageThenTrailers)]
    [InlineData(MethodType.ClientStreaming, EarlyEnding.MessageThenTrailersThenReset)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.TrailersOnly)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.MessageThenTrailers)]
    [InlineData(MethodType.DuplexStreaming, EarlyEnding.MessageThenTrailersThenReset)]
    public async Task Server_ending_the_call_while_a_write_waits_for_flow_control_ends_the_write(MethodType kind, EarlyEnding ending)
    {
        // The server never grants more than HTTP/2's initial 64 KiB window: a larger message's write
        // waits for credit that never comes, and only the call's end can release it.
        await using var server = new EarlyEndServer(ending);
        await using var t = new HttpClientTransport(server.Raw.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        var failed = ending is EarlyEnding.TrailersOnly or EarlyEnding.TrailersOnlyThenReset;
        var options = TestMethods.Deadline(TimeSpan.FromSeconds(30));
        var big = new string('x', 100_000);

        using var call = kind == MethodType.ClientStreaming
            ? new Duplex(t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, options))
            : new Duplex(t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, options));
        var write = call.Writer.WriteAsync(big);
        if (failed)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => call.ReadToEndAsync().WaitAsync(Wait));
            Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
            var writeEx = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(Wait));
            Assert.Equal(StatusCode.Unimplemented, writeEx.StatusCode);
        }
        else
        {
            Assert.Equal(["reply"], await call.ReadToEndAsync().WaitAsync(Wait));

            // The blocked write ends, never deciding the call's status: Grpc.Net.Client fails it with the call's
            // status (OK) once the call is over, or CANCELLED when the handler, honouring the server's RST_STREAM
            // NO_ERROR ("send no more"), aborted the request body first.
            var writeEx = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(Wait));
            Assert.True(writeEx.StatusCode is StatusCode.OK or StatusCode.Cancelled, writeEx.ToString());
            Assert.Equal(StatusCode.OK, call.Status.StatusCode);
        }

        await call.Writer.CompleteAsync().WaitAsync(Wait);
        call.Dispose();
        Assert.Equal(0, t.ActiveCalls);
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(TimeSpan.FromSeconds(30)), "next").ResponseAsync.WaitAsync(Wait));
        if (ending is EarlyEnding.TrailersOnly or EarlyEnding.MessageThenTrailers)
        {
            // A message was cut short: the stream is reset rather than ended cleanly.
            Assert.Equal(RawServer.RstStream, (await server.FirstStreamClosedByClient.WaitAsync(Wait)).Type);
        }
    }

    [Fact]
    public async Task A_write_after_the_servers_no_error_reset_fails_and_the_reader_gets_the_status()
    {
        // RFC 9113 §8.1: a complete response then RST_STREAM NO_ERROR asks the client to send no more,
        // without failing the request. Grpc.Net.Client fails the writes (the request body is aborted);
        // the reader still has the whole response and the server's status.
        await using var server = new EarlyEndServer(EarlyEnding.MessageThenTrailersThenReset);
        await using var t = new HttpClientTransport(server.Raw.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        using var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Deadline(TimeSpan.FromSeconds(30)));
        await call.RequestStream.WriteAsync("one").WaitAsync(Wait);
        await server.AnswerSeenByClient.WaitAsync(Wait);

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync("refused").WaitAsync(Wait));
        Assert.True(refused.StatusCode is StatusCode.Cancelled or StatusCode.OK, refused.ToString());
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(Wait));
        Assert.Equal("reply", call.ResponseStream.Current);
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(Wait));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);

        // Once the call is over, a write reports the call's status.
        var late = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync("late").WaitAsync(Wait));
        Assert.Equal(StatusCode.OK, late.StatusCode);
        await call.RequestStream.CompleteAsync().WaitAsync(Wait);
        call.Dispose();
        Assert.Equal(0, t.ActiveCalls);
        Assert.Equal("after", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(TimeSpan.FromSeconds(30)), "next").ResponseAsync.WaitAsync(Wait));
    }

    /// <summary>A client-streaming or duplex call seen the same way: a writer and all its responses.</summary>
    private sealed class Duplex : IDisposable
    {
        private readonly IDisposable _call;
        private readonly Func<Task<List<string>>> _read;
        private readonly Func<Status> _status;

        public Duplex(AsyncClientStreamingCall<string, string> call)
        {
            _call = call;
            Writer = call.RequestStream;
            _status = call.GetStatus;
            _read = async () => [await call.ResponseAsync];
        }

        public Duplex(AsyncDuplexStreamingCall<string, string> call)
        {
            _call = call;
            Writer = call.RequestStream;
            _status = call.GetStatus;
            _read = async () =>
            {
                var got = new List<string>();
                while (await call.ResponseStream.MoveNext())
                {
                    got.Add(call.ResponseStream.Current);
                }

                return got;
            };
        }

        public IClientStreamWriter<string> Writer { get; }

        public Status Status => _status();

        public Task<List<string>> ReadToEndAsync() => _read();

        public void Dispose() => _call.Dispose();
    }

    private static async Task AssertWritesEndedAsync(IClientStreamWriter<string> writer, bool failed)
    {
        // Grpc.Net.Client: a write after the call ended fails at once with the call's status (OK included).
        var ex = await Assert.ThrowsAsync<RpcException>(() => writer.WriteAsync("late").WaitAsync(Wait));
        Assert.Equal(failed ? StatusCode.Unimplemented : StatusCode.OK, ex.StatusCode);
        await writer.CompleteAsync().WaitAsync(Wait);
    }
}
