using System.Text;
using ActorChannel.Transport.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>
/// Kestrel's way of ending a call early: the handler answers after one message and returns while
/// the client still writes; Kestrel sends the trailers, then RST_STREAM NO_ERROR.
/// </summary>
public class KestrelEarlyEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(MethodType.ClientStreaming)]
    [InlineData(MethodType.DuplexStreaming)]
    public async Task Writes_after_the_server_answered_never_decide_the_calls_status(MethodType kind)
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(app =>
        {
            RequestDelegate early = async ctx =>
            {
                var first = await GrpcWire.ReadMessageAsync(ctx.Request.Body, ctx.RequestAborted);
                ctx.Response.ContentType = "application/grpc";
                await ctx.Response.Body.WriteAsync(GrpcWire.Frame(Encoding.UTF8.GetBytes("got " + Encoding.UTF8.GetString(first!.Value.Payload))));
                ctx.Response.AppendTrailer("grpc-status", "0");
                answered.TrySetResult();
            };
            app.MapPost("/test.Echo/EarlyClientStream", early);
            app.MapPost("/test.Echo/EarlyDuplex", early);
            new TestService().Map(app);
        });
        await using var t = await LifetimeCallTests.Connect(server);
        var options = TestMethods.Deadline(TimeSpan.FromSeconds(30));
        var chunk = new string('x', 32 * 1024);

        IClientStreamWriter<string> writer;
        Func<Task<string>> result;
        IDisposable call;
        if (kind == MethodType.ClientStreaming)
        {
            var cs = t.Invoker.AsyncClientStreamingCall(new Method<string, string>(MethodType.ClientStreaming, "test.Echo", "EarlyClientStream", TestMethods.Utf8, TestMethods.Utf8), null, options);
            (call, writer, result) = (cs, cs.RequestStream, () => cs.ResponseAsync);
        }
        else
        {
            var d = t.Invoker.AsyncDuplexStreamingCall(new Method<string, string>(MethodType.DuplexStreaming, "test.Echo", "EarlyDuplex", TestMethods.Utf8, TestMethods.Utf8), null, options);
            (call, writer, result) = (d, d.RequestStream, async () =>
            {
                Assert.True(await d.ResponseStream.MoveNext());
                var reply = d.ResponseStream.Current;
                Assert.False(await d.ResponseStream.MoveNext());
                return reply;
            });
        }

        using (call)
        {
            await writer.WriteAsync("a").WaitAsync(Wait);
            await answered.Task.WaitAsync(Wait);

            // Well past Kestrel's request body window: some writes land before the reset; the rest fail, with
            // CANCELLED where the handler aborted the request body on the reset, or with the call's status (OK)
            // once the call is over (Grpc.Net.Client's way). None of them decides the call's status.
            for (var i = 0; i < 40; i++)
            {
                var outcome = await Record.ExceptionAsync(() => writer.WriteAsync(chunk).WaitAsync(Wait));
                Assert.True(outcome is null or RpcException { StatusCode: StatusCode.OK or StatusCode.Cancelled }, outcome?.ToString());
            }

            await writer.CompleteAsync().WaitAsync(Wait);
            Assert.Equal("got a", await result().WaitAsync(Wait));
        }

        await PerCallLimitTests.WaitForNoCallsAsync(t);
        Assert.Equal("next", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "next").ResponseAsync.WaitAsync(Wait));
    }
}
