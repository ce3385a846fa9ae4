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

    private readonly IAsyncDisposable _server;

    private GreeterEndpoint(IAsyncDisposable server, int port, string kind)
    {
        _server = server;
        Port = port;
        Kind = kind;
    }

    public int Port { get; }

    /// <summary>Which server answers: the project's Greeter server (src/Host) or the minimal handler here.</summary>
    public string Kind { get; }

    /// <summary>The project's Greeter server (src/Host/Server), h2c on 127.0.0.1.</summary>
    public static async Task<GreeterEndpoint> StartRealAsync(int port = 0)
    {
        var server = await ActorChannel.Host.Server.GreeterServer.StartAsync(new ActorChannel.Host.Server.GreeterServerOptions { Port = port, InstanceName = "bench" });
        return new GreeterEndpoint(server, server.Port, "Greeter server (src/Host)");
    }

    public static async Task<GreeterEndpoint> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapPost(Path, SayHelloAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GreeterEndpoint(new AppStopper(app), new Uri(address).Port, "minimal Greeter handler");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private sealed class AppStopper(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task SayHelloAsync(HttpContext ctx)
    {
        var message = await GrpcWire.ReadMessageAsync(ctx.Request.Body, ctx.RequestAborted);
        var name = message is null ? "" : StringValue.Parser.ParseFrom(message).Value;
        var reply = new StringValue { Value = "Hello " + name };
        var framed = new byte[5 + reply.CalculateSize()];
        GrpcWire.WriteHeader(framed, framed.Length - 5);
        reply.WriteTo(framed.AsSpan(5));
        ctx.Response.ContentType = "application/grpc";
        await ctx.Response.Body.WriteAsync(framed, ctx.RequestAborted);
        ctx.Response.AppendTrailer("grpc-status", "0");
    }
}
