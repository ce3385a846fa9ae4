using System.Text;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

[CollectionDefinition(nameof(FdCounting), DisableParallelization = true)]
public sealed class FdCounting;

/// <summary>Servers that misbehave: each call ends in the right status, before its deadline, and leaks no socket.</summary>
[Collection(nameof(FdCounting))]
public class BadInputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    [Fact]
    public Task Silent_server_that_never_speaks_http2_fails_connect_by_the_deadline() =>
        ExpectConnectFailure(async (s, ct) => await Task.Delay(Timeout.Infinite, ct), "no HTTP/2 SETTINGS before the connect deadline");

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
    public Task Garbage_fails_connect() =>
        ExpectConnectFailure(
            async (s, ct) =>
            {
                _ = await s.ReadAtLeastAsync(new byte[1024], 1, throwOnEndOfStream: false, ct);
                await s.WriteAsync(Enumerable.Repeat((byte)0xEE, 256).ToArray(), ct);
                await Task.Delay(Timeout.Infinite, ct);
            },
            "not an HTTP/2 SETTINGS frame");

    [Fact]
    public Task Connection_closed_mid_message_is_unavailable() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.GrpcHeadersAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [0, 0, 0, 0, 100, 1, 2, 3], ct);
                s.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
                s.Close();
            },
            StatusCode.Unavailable,
            "lost: the server closed it");

    [Fact]
    public Task Stream_ending_inside_the_length_prefix_is_internal() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.GrpcHeadersAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [0, 0, 0], ct);
                await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);
                await Task.Delay(Timeout.Infinite, ct);
            },
            StatusCode.Internal,
            "length prefix (3 of 5 bytes)");

    [Fact]
    public Task Two_GiB_declared_length_is_resource_exhausted_at_once() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.GrpcHeadersAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, [0, 0x80, 0, 0, 0], ct);
                await Task.Delay(Timeout.Infinite, ct);
            },
            StatusCode.ResourceExhausted,
            "2147483648 bytes");

    [Fact]
    public Task Server_goaway_before_the_stream_is_unavailable_not_processed() =>
        Expect(
            async (s, ct) =>
            {
                await RawServer.HandshakeAsync(s, ct);
                await RawServer.WriteFrameAsync(s, RawServer.GoAway, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0, .. "bye"u8.ToArray()], ct);
                await Task.Delay(Timeout.Infinite, ct);
            },
            StatusCode.Unavailable,
            "",
            notProcessed: true);

    /// <summary>The server is bad from its first byte: ConnectAsync itself fails, by the deadline at the latest, leaking nothing.</summary>
    private async Task ExpectConnectFailure(Func<System.Net.Sockets.NetworkStream, CancellationToken, Task> script, string detail)
    {
        await WarmUpAsync();
        var before = OpenFds();
        var beforeSet = FdTargets();
        var started = DateTimeOffset.UtcNow;
        var during = 0;
        await using (var server = new RawServer(async (s, ct) =>
        {
            during = OpenFds();
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
            Assert.True(during > before, $"the count sees sockets: {before} before, {during} while connected");
            await events.WaitFor<ConnectionEvent.Closed>();
            await t.DisposeAsync();
        }

        await AssertNoLeak(before, beforeSet);
    }

    private async Task Expect(Func<System.Net.Sockets.NetworkStream, CancellationToken, Task> script, StatusCode code, string detail, bool? notProcessed = null)
    {
        await WarmUpAsync();
        var before = OpenFds();
        var beforeSet = FdTargets();

        var started = DateTimeOffset.UtcNow;
        var during = 0;
        var ex = await RunOnce(script, Deadline, () => during = OpenFds());
        Assert.True(during > before, $"the count sees sockets: {before} before, {during} while connected");
        var elapsed = DateTimeOffset.UtcNow - started;
        output.WriteLine($"{ex.Status} notProcessed={ex.NotProcessed} after {elapsed.TotalMilliseconds:0} ms");

        Assert.True(code == ex.StatusCode, $"expected {code}, got {ex.Status}");
        Assert.Contains(detail, ex.Status.Detail);
        if (notProcessed is { } np)
        {
            Assert.Equal(np, ex.NotProcessed);
        }

        Assert.True(elapsed < Deadline + TimeSpan.FromSeconds(2), $"took {elapsed}");
        await AssertNoLeak(before, beforeSet);
    }

    private static async Task AssertNoLeak(int before, List<string> beforeSet)
    {
        // Sockets are closed synchronously by the transport, but a peer's socket may close a moment
        // later on the server's thread: probe until the count settles (bounded) instead of sleeping.
        var settle = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5);
        while (OpenFds() > before && DateTimeOffset.UtcNow < settle)
        {
            await Task.Yield();
            await Task.Delay(10);
        }

        var after = FdTargets();
        Assert.True(after.Count <= before, $"open fds {before} before, {after.Count} after; new: {string.Join(", ", after.Except(beforeSet))}");
    }

    /// <summary>Opens what the runtime opens once per process (epoll, pipes) before the test counts descriptors.</summary>
    private static Task WarmUpAsync() => RunOnce(
        async (s, ct) =>
        {
            await RawServer.HandshakeAsync(s, ct);
            await Task.Delay(Timeout.Infinite, ct);
        },
        TimeSpan.FromMilliseconds(200));

    private static async Task<RpcException> RunOnce(Func<System.Net.Sockets.NetworkStream, CancellationToken, Task> script, TimeSpan deadline, Action? whileConnected = null)
    {
        await using var server = new RawServer(script);
        var events = new EventRecorder();
        var t = new HttpClientTransport(server.Address, new TransportOptions(), events.Record);
        try
        {
            using var connectDeadline = new CancellationTokenSource(deadline + TimeSpan.FromSeconds(5));
            await t.ConnectAsync(connectDeadline.Token);
            whileConnected?.Invoke();
            var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Deadline(deadline));
            return await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(deadline + TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await t.DisposeAsync();
            await events.WaitFor<ConnectionEvent.Closed>();
        }
    }

    /// <summary>Open socket descriptors (assemblies the runtime maps lazily are not what these tests are about).</summary>
    private static int OpenFds() => FdTargets().Count;

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
