using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>
/// A small gRPC test service written directly on ASP.NET Core (no gRPC server library here):
/// echo in all four call kinds, plus switches in request metadata for errors, sizes and gzip.
/// </summary>
public sealed class TestService
{
    /// <summary>Completes when a "Hang" call sees the client's cancel (RequestAborted).</summary>
    public TaskCompletionSource ServerSawCancel { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a "Hang" call has arrived at the server.</summary>
    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Released by the test to let "Hang" calls finish with OK.</summary>
    public TaskCompletionSource ReleaseHang { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Dictionary<string, string> LastRequestHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/test.Echo/Unary", async ctx =>
        {
            var msgs = await ReadAllAsync(ctx);
            if (ctx.Request.Headers["x-fail-code"] is { Count: 1 } code)
            {
                var text = ctx.Request.Headers["x-fail-message-bin"] is { Count: 1 } m ? Encoding.UTF8.GetString(Convert.FromBase64String(m!)) : "failed";
                StartResponse(ctx);
                ctx.Response.Headers["grpc-status"] = code.ToString();
                ctx.Response.Headers["grpc-message"] = GrpcWire.PercentEncode(text);
                return;
            }

            StartResponse(ctx);
            ctx.Response.Headers["x-request-encoding"] = ctx.Request.Headers["grpc-encoding"].ToString();
            foreach (var h in ctx.Request.Headers.Where(h => h.Key.StartsWith("x-", StringComparison.Ordinal)))
            {
                if (h.Key.EndsWith("-bin", StringComparison.Ordinal))
                {
                    ctx.Response.AppendTrailer("echo-" + h.Key, h.Value);
                }
                else
                {
                    ctx.Response.Headers["echo-" + h.Key] = h.Value;
                }
            }

            var reply = msgs.Single();
            if (ctx.Request.Headers["x-reply-size"] is { Count: 1 } size)
            {
                reply = new string('r', int.Parse(size!));
            }

            await WriteAsync(ctx, reply, ctx.Request.Headers["x-reply-gzip"].Count == 1);
            Trailers(ctx, 0);
        });

        app.MapPost("/test.Echo/ServerStream", async ctx =>
        {
            var n = int.Parse((await ReadAllAsync(ctx)).Single());
            StartResponse(ctx);
            for (var i = 0; i < n; i++)
            {
                await WriteAsync(ctx, i.ToString());
            }

            Trailers(ctx, 0);
        });

        app.MapPost("/test.Echo/ClientStream", async ctx =>
        {
            var msgs = await ReadAllAsync(ctx);
            StartResponse(ctx);
            await WriteAsync(ctx, string.Join(",", msgs));
            Trailers(ctx, 0);
        });

        app.MapPost("/test.Echo/Duplex", async ctx =>
        {
            StartResponse(ctx);
            await ctx.Response.BodyWriter.FlushAsync();
            while (await GrpcWire.ReadMessageAsync(ctx.Request.Body, ctx.RequestAborted) is { } m)
            {
                await WriteAsync(ctx, "echo:" + Encoding.UTF8.GetString(m.Payload));
            }

            Trailers(ctx, 0);
        });

        app.MapPost("/test.Echo/Hang", async ctx =>
        {
            HangStarted.TrySetResult();
            ctx.RequestAborted.Register(() => ServerSawCancel.TrySetResult());
            await Task.WhenAny(ReleaseHang.Task, ctx.RequestAborted.WhenCancelled());
            if (!ctx.RequestAborted.IsCancellationRequested)
            {
                StartResponse(ctx);
                await WriteAsync(ctx, "released");
                Trailers(ctx, 0);
            }
        });

        app.MapPost("/test.Echo/BadEncoding", async ctx =>
        {
            await ReadAllAsync(ctx);
            StartResponse(ctx);
            ctx.Response.Headers["grpc-encoding"] = "snappy-ish";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame([1, 2, 3], compressed: true));
            Trailers(ctx, 0);
        });

        app.MapPost("/test.Echo/NoStatus", async ctx =>
        {
            await ReadAllAsync(ctx);
            StartResponse(ctx);
            await WriteAsync(ctx, "x");
        });

        app.MapPost("/test.Echo/PlainText", async ctx =>
        {
            ctx.Response.StatusCode = int.Parse(ctx.Request.Headers["x-http-status"].ToString());
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("not grpc");
        });

        app.MapPost("/test.Echo/Headers", async ctx =>
        {
            await ReadAllAsync(ctx);
            lock (LastRequestHeaders)
            {
                foreach (var h in ctx.Request.Headers)
                {
                    LastRequestHeaders[h.Key] = h.Value.ToString();
                }
            }

            StartResponse(ctx);
            await WriteAsync(ctx, "ok");
            Trailers(ctx, 0);
        });
    }

    private static void StartResponse(HttpContext ctx)
    {
        ctx.Response.ContentType = "application/grpc";
        ctx.Response.Headers["grpc-accept-encoding"] = "identity,gzip";
    }

    private static void Trailers(HttpContext ctx, int status, string? message = null)
    {
        ctx.Response.AppendTrailer("grpc-status", status.ToString());
        if (message is not null)
        {
            ctx.Response.AppendTrailer("grpc-message", GrpcWire.PercentEncode(message));
        }
    }

    private static async Task<List<string>> ReadAllAsync(HttpContext ctx)
    {
        var gzip = ctx.Request.Headers["grpc-encoding"].ToString() == "gzip";
        var list = new List<string>();
        while (await GrpcWire.ReadMessageAsync(ctx.Request.Body, ctx.RequestAborted) is { } m)
        {
            if (m.Compressed && !gzip)
            {
                throw new InvalidOperationException("compressed message without grpc-encoding");
            }

            var bytes = m.Compressed ? GrpcWire.Gunzip(m.Payload) : m.Payload;
            list.Add(Encoding.UTF8.GetString(bytes));
        }

        return list;
    }

    private static async Task WriteAsync(HttpContext ctx, string message, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        if (gzip)
        {
            ctx.Response.Headers["grpc-encoding"] = "gzip";
            bytes = GrpcWire.Gzip(bytes);
        }

        await ctx.Response.Body.WriteAsync(GrpcWire.Frame(bytes, gzip));
        await ctx.Response.Body.FlushAsync();
    }
}
