using System.Net.Sockets;
using System.Text;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

[CollectionDefinition(nameof(FdCounting), DisableParallelization = true)]
public sealed class FdCounting;

/// <summary>
/// Servers that send bad bytes: each call ends with the status gRPC's spec gives it (statuscodes.md,
/// http-grpc-status-mapping.md), well before its deadline unless the deadline is the point, and nothing leaks: the
/// server sees the connection closed once the transport is disposed, and the process holds no more sockets than before.
/// </summary>
[Collection(nameof(FdCounting))]
public class BadInputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    // ---- not HTTP/2 at all: ConnectAsync fails ----

    [Fact]
    public Task Silent_server_that_never_speaks_http2_fails_connect_by_the_deadline() =>
        ExpectConnectFailure(async (s, ct) => await s.ReadAtLeastAsync(new byte[24], 24, throwOnEndOfStream: false, ct), "no HTTP/2 SETTINGS before the connect deadline");

    [Fact]
    public Task Http1_server_fails_connect_naming_the_protocol() =>
        ExpectConnectFailure(
            async (s, ct) =>
            {
                _ = await s.ReadAtLeastAsync(new byte[1024], 1, throwOnEndOfStream: false, ct);
                await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"), ct);
            },
            "does not speak HTTP/2");

    [Fact]
    public Task Garbage_instead_of_http2_fails_connect() =>
        ExpectConnectFailure(
            async (s, ct) =>
            {
                _ = await s.ReadAtLeastAsync(new byte[1024], 1, throwOnEndOfStream: false, ct);
                await s.WriteAsync(Enumerable.Repeat((byte)0xEE, 256).ToArray(), ct);
            },
            "not an HTTP/2 SETTINGS frame");

    // ---- the connection breaks under a call: UNAVAILABLE, the call may have been seen ----

    [Fact]
    public Task Connection_closed_mid_message_is_unavailable() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [0, 0, 0, 0, 100, 1, 2, 3], ct);
                s.Socket.Shutdown(SocketShutdown.Send);
            }),
            StatusCode.Unavailable,
            "lost: the server closed it",
            notProcessed: false);

    [Fact]
    public Task Truncated_http2_frame_payload_is_unavailable() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {

                // A DATA frame header declaring 100 bytes, 10 of them, then the end of the connection.
                await s.WriteAsync(new byte[] { 0, 0, 100, RawServer.Data, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5 }, ct);
                s.Socket.Shutdown(SocketShutdown.Send);
            }),
            StatusCode.Unavailable,
            "lost",
            notProcessed: false);

    [Fact]
    public Task Truncated_http2_frame_header_is_unavailable() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await s.WriteAsync(new byte[] { 0, 0, 8, RawServer.Headers, 0 }, ct);
                s.Socket.Shutdown(SocketShutdown.Send);
            },
            StatusCode.Unavailable,
            "lost");

    [Fact]
    public Task Server_goaway_before_the_stream_is_unavailable_not_processed() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.GoAway, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0, .. "bye"u8.ToArray()], ct);
            },
            StatusCode.Unavailable,
            "",
            notProcessed: true);

    // ---- the gRPC framing inside a sound HTTP/2 stream is broken: INTERNAL ----

    [Fact]
    public Task Stream_ending_inside_the_length_prefix_is_internal() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [0, 0, 0], ct);
                await OkTrailersAsync(s, ct);
            }),
            StatusCode.Internal,
            "");

    [Fact]
    public Task Stream_ending_inside_the_message_is_internal() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [.. GrpcWire.Prefix(10), 1, 2, 3], ct);
                await OkTrailersAsync(s, ct);
            }),
            StatusCode.Internal,
            "");

    // ---- a message larger than the receive limit: RESOURCE_EXHAUSTED, as soon as its prefix arrives ----

    [Theory]
    [InlineData(0x8000_0000u, "2147483648 bytes")] // 2 GiB: past int.MaxValue (Grpc.Net.Client alone says INTERNAL)
    [InlineData(0xFFFF_FFFFu, "4294967295 bytes")]
    [InlineData(0x7FFF_FFFFu, "")] // 2 GiB - 1: over the 4 MiB default limit
    [InlineData(4u * 1024 * 1024 + 1, "")]
    public Task Declared_length_over_the_receive_limit_is_resource_exhausted_at_once(uint declared, string detail) =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, GrpcWire.Prefix(declared), ct);
            }),
            StatusCode.ResourceExhausted,
            detail);

    // ---- no grpc-status: a status is synthesized, UNKNOWN for HTTP 200 (http-grpc-status-mapping.md) ----

    [Fact]
    public Task Trailers_without_grpc_status_are_unknown() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, GrpcWire.Frame("reply"), ct);
                await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("x-trailer", "no status")), ct);
            }),
            StatusCode.Unknown,
            "without a grpc-status");

    [Fact]
    public Task Trailers_only_without_grpc_status_are_unknown() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(true, ("content-type", "application/grpc")), ct);
            },
            StatusCode.Unknown,
            "without a grpc-status");

    [Fact]
    public Task Body_ending_without_trailers_is_unknown() =>
        Expect(
            AfterGrpcHeaders(async (s, ct) =>
            {
                await RawServer.WriteFrameAsync(s, RawServer.Data, RawServer.EndStream, 1, GrpcWire.Frame("reply"), ct);
            }),
            StatusCode.Unknown,
            "without a grpc-status");

    [Fact]
    public Task Http_200_that_is_not_grpc_is_unknown() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders, 1, RawServer.Hpack(true, ("content-type", "text/html")), ct);
                await RawServer.WriteFrameAsync(s, RawServer.Data, RawServer.EndStream, 1, "<html></html>"u8.ToArray(), ct);
            },
            StatusCode.Unknown,
            "content-type text/html");

    // ---- the server never answers: the call's deadline ends it ----

    [Fact]
    public async Task Server_that_never_answers_is_deadline_exceeded_at_the_deadline()
    {
        var deadline = TimeSpan.FromSeconds(1);
        var started = DateTimeOffset.UtcNow;
        await Expect(RawServer.HandshakeAsync, StatusCode.DeadlineExceeded, "", callDeadline: deadline);
        Assert.True(DateTimeOffset.UtcNow - started >= deadline, "ended before its deadline");
    }

    /// <summary>A script that does the HTTP/2 handshake, answers stream 1 with gRPC response headers, then goes on as <paramref name="then"/> says.</summary>
    private static Func<NetworkStream, CancellationToken, Task> AfterGrpcHeaders(Func<NetworkStream, CancellationToken, Task> then) => async (s, ct) =>
    {
        await RawServer.HandshakeAsync(s, ct);
        await RawServer.GrpcHeadersAsync(s, ct);
        await then(s, ct);
    };

    private static Task OkTrailersAsync(NetworkStream s, CancellationToken ct) =>
        RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);

    /// <summary>The server is bad from its first byte: ConnectAsync itself fails, by the deadline at the latest, leaking nothing.</summary>
    private async Task ExpectConnectFailure(Func<NetworkStream, CancellationToken, Task> script, string detail)
    {
        await WarmUpAsync();
        var before = FdTargets();
        var started = DateTimeOffset.UtcNow;
        var during = 0;
        await using (var server = new RawServer(async (s, ct) =>
        {
            during = FdTargets().Count;
            await script(s, ct);
        }))
        {
            var events = new EventRecorder();
            var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
            using var deadline = new CancellationTokenSource(Deadline);
            var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(deadline.Token).WaitAsync(Deadline + TimeSpan.FromSeconds(5)));
            var elapsed = DateTimeOffset.UtcNow - started;
            output.WriteLine($"{ex.Message} after {elapsed.TotalMilliseconds:0} ms");
            Assert.Contains(detail, ex.Message);
            Assert.True(elapsed < Deadline + TimeSpan.FromSeconds(2), $"took {elapsed}");
            Assert.True(during > before.Count, $"the count sees sockets: {before.Count} before, {during} while connected");
            await events.WaitFor<ConnectionEvent.Closed>();

            // The failed attempt released its socket by itself (before any dispose), and a call now is refused
            // without dialling again.
            var first = await server.FirstConnectionAsync(TimeSpan.FromSeconds(5));
            Assert.True(await first.Ended.WaitAsync(TimeSpan.FromSeconds(10)) is RawConnectionEnd.ClientClosed or RawConnectionEnd.ClientReset);
            var call = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m"));
            Assert.Equal(StatusCode.Unavailable, call.StatusCode);
            Assert.True(CallFailures.NotProcessed(call), call.Status.ToString());
            Assert.Equal(1, await server.AcceptedBeforeAsync(TimeSpan.FromSeconds(10)));
            await t.DisposeAsync();
        }

        await AssertNoLeak(before);
    }

    private async Task Expect(Func<NetworkStream, CancellationToken, Task> script, StatusCode code, string detail, bool? notProcessed = null, TimeSpan? callDeadline = null)
    {
        await WarmUpAsync();
        var before = FdTargets();
        var started = DateTimeOffset.UtcNow;
        var during = 0;
        var deadline = callDeadline ?? Deadline;
        var (ex, end) = await RunOnce(script, deadline, () => during = FdTargets().Count);
        Assert.True(during > before.Count, $"the count sees sockets: {before.Count} before, {during} while connected");
        var elapsed = DateTimeOffset.UtcNow - started;
        output.WriteLine($"{ex.Status} notProcessed={CallFailures.NotProcessed(ex)} after {elapsed.TotalMilliseconds:0} ms; the server saw {end}");

        Assert.True(code == ex.StatusCode, $"expected {code}, got {ex.Status}");
        Assert.Contains(detail, ex.Status.Detail);
        if (notProcessed is { } np)
        {
            Assert.Equal(np, CallFailures.NotProcessed(ex));
        }

        Assert.True(elapsed < deadline + TimeSpan.FromSeconds(2), $"took {elapsed}");
        Assert.True(end is RawConnectionEnd.ClientClosed or RawConnectionEnd.ClientReset or RawConnectionEnd.ServerClosed, $"the server saw {end}");
        await AssertNoLeak(before);
    }

    private static async Task AssertNoLeak(List<string> before)
    {
        // Sockets are closed synchronously by the transport, but a peer's socket may close a moment
        // later on the server's thread, and only /proc tells.
        await Waits.ProbeUntilAsync(() => FdTargets().Count <= before.Count, TimeSpan.FromSeconds(5));

        var after = FdTargets();
        Assert.True(after.Count <= before.Count, $"open fds {before.Count} before, {after.Count} after; new: {string.Join(", ", after.Except(before))}");
    }

    /// <summary>Opens what the runtime opens once per process (epoll, pipes) before the test counts descriptors.</summary>
    private static Task WarmUpAsync() => RunOnce(RawServer.HandshakeAsync, TimeSpan.FromMilliseconds(200));

    /// <summary>One call against the script; returns its failure and how the server saw the connection end once the transport was disposed.</summary>
    private static async Task<(RpcException Error, RawConnectionEnd End)> RunOnce(Func<NetworkStream, CancellationToken, Task> script, TimeSpan deadline, Action? whileConnected = null)
    {
        await using var server = new RawServer(script);
        var events = new EventRecorder();
        var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        RpcException error;
        try
        {
            using var connectDeadline = new CancellationTokenSource(deadline + TimeSpan.FromSeconds(5));
            await t.ConnectAsync(connectDeadline.Token);
            whileConnected?.Invoke();
            var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Deadline(deadline), "m");
            error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(deadline + TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await t.DisposeAsync();
            await events.WaitFor<ConnectionEvent.Closed>();
        }

        // Disposed: the server sees the connection end (or had ended it itself), and no second one was dialled.
        var end = await (await server.FirstConnectionAsync(TimeSpan.FromSeconds(5))).Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await server.AcceptedBeforeAsync(TimeSpan.FromSeconds(10)));
        return (error, end);
    }

    /// <summary>Open socket descriptors (assemblies the runtime maps lazily are not what these tests are about).</summary>
    private static List<string> FdTargets() =>
        Directory.GetFiles("/proc/self/fd").Select(f =>
        {
            try
            {
                return Path.GetFileName(f) + "->" + (new FileInfo(f).LinkTarget ?? "?");
            }
            catch (IOException)
            {
                return Path.GetFileName(f) + "->gone";
            }
        }).Where(t => t.Contains("socket:", StringComparison.Ordinal)).ToList();
}
