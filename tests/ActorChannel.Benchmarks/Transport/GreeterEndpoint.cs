using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// A minimal Greeter on Kestrel h2c for the benchmark: /helloworld.Greeter/SayHello. StringValue
/// (field 1, string) has HelloRequest's and HelloReply's wire format, so no generated code is needed.
/// </summary>
internal sealed class GreeterEndpoint : IAsyncDisposable
{
    public const string Path = "/helloworld.Greeter/SayHello";

    private readonly WebApplication _app;

    private GreeterEndpoint(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<GreeterEndpoint> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapPost(Path, SayHelloAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GreeterEndpoint(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task SayHelloAsync(HttpContext ctx)
    {
        var message = await ActorChannel.Transport.GrpcFraming.ReadMessageAsync(ctx.Request.Body, 4 * 1024 * 1024, ctx.RequestAborted);
        var name = message is null ? "" : StringValue.Parser.ParseFrom(message.Payload).Value;
        var reply = new StringValue { Value = "Hello " + name };
        var framed = new byte[5 + reply.CalculateSize()];
        ActorChannel.Transport.GrpcFraming.WriteHeader(framed, false, framed.Length - 5);
        reply.WriteTo(framed.AsSpan(5));
        ctx.Response.ContentType = "application/grpc";
        await ctx.Response.Body.WriteAsync(framed, ctx.RequestAborted);
        ctx.Response.AppendTrailer("grpc-status", "0");
    }
}
