using System.Runtime.CompilerServices;
using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>A failed streaming call whose response is never read or awaited leaves no unobserved task fault.</summary>
public class UnobservedFaultTests
{
    [Theory]
    [InlineData(MethodType.ServerStreaming)]
    [InlineData(MethodType.DuplexStreaming)]
    [InlineData(MethodType.ClientStreaming)]
    public async Task Failed_stream_never_read_raises_no_unobserved_task_exception(MethodType kind)
    {
        var probe = "probe-" + Guid.NewGuid().ToString("N");
        var seen = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) =>
        {
            if (e.Exception.ToString().Contains(probe))
            {
                Interlocked.Exchange(ref seen, 1);
            }
        };
        await using var server = new RawServer(async (s, ct) =>
            await RawServer.ServeFramesAsync(s, (type, stream) => type == RawServer.Headers
                ? RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, stream, RawServer.Hpack(true, ("content-type", "application/grpc"), ("grpc-status", "13"), ("grpc-message", probe)), ct)
                : Task.CompletedTask, ct));
        await using var t = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await t.ConnectAsync(CancellationToken.None);
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            await StartAndAbandonAsync(t, kind);
            for (var i = 0; i < 20 && Volatile.Read(ref seen) == 0; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                await Task.Yield();
            }

            Assert.Equal(0, Volatile.Read(ref seen));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= handler;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task StartAndAbandonAsync(HttpClientTransport t, MethodType kind)
    {
        // The call is only probed for its end, never read; the call object is then dropped.
        Func<Status> status;
        if (kind == MethodType.ServerStreaming)
        {
            var call = t.Invoker.AsyncServerStreamingCall(TestMethods.ServerStream, null, TestMethods.Safe, "1");
            status = call.GetStatus;
        }
        else if (kind == MethodType.ClientStreaming)
        {
            // The caller learns of the failure from GetStatus (or a write) and never awaits ResponseAsync, but disposes
            // the call, as Grpc.Core asks: Grpc.Net.Client observes the failed ResponseAsync only on Dispose.
            var call = t.Invoker.AsyncClientStreamingCall(TestMethods.ClientStream, null, TestMethods.Safe);
            status = () =>
            {
                var s = call.GetStatus();
                call.Dispose();
                return s;
            };
        }
        else
        {
            // Write-only: the request half-closes, the response stream is never read.
            var call = t.Invoker.AsyncDuplexStreamingCall(TestMethods.Duplex, null, TestMethods.Safe);
            await call.RequestStream.CompleteAsync();
            status = call.GetStatus;
        }

        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                Assert.Equal(StatusCode.Internal, status().StatusCode);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < until)
            {
                await Task.Yield();
            }
        }
    }
}
