using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Protos.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;
using WireStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ActorChannel.Interop.Tests;

/// <summary>Health switching, the behaviour switches, and graceful stop versus abort of our server.</summary>
public sealed class OurServerLifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Health_check_follows_status_switched_at_run_time()
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        using var client = new RawGrpcClient(server.Url);
        Assert.Equal(WireStatus.Serving, await CheckAsync(client, ""));
        server.Health.Set("", ServingStatus.NotServing);
        Assert.Equal(WireStatus.NotServing, await CheckAsync(client, ""));
        Assert.Equal(WireStatus.Serving, await CheckAsync(client, Greeter.Descriptor.FullName));
        var unknown = await client.SendAsync(RpcPaths.HealthCheck, RawGrpcClient.Frame(new HealthCheckRequest { Service = "no.Such" }));
        Assert.Equal("5", unknown.GrpcStatus);
    }

    [Fact]
    public async Task Health_watch_sees_each_change_then_ends_unavailable_on_graceful_stop()
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        await using var _ = server;
        using var client = new RawGrpcClient(server.Url);
        using var watch = await client.OpenAsync(RpcPaths.HealthWatch, RawGrpcClient.Frame(new HealthCheckRequest()));
        Assert.Equal(WireStatus.Serving, await NextStatusAsync(watch));
        server.Health.Set("", ServingStatus.NotServing);
        Assert.Equal(WireStatus.NotServing, await NextStatusAsync(watch));
        server.Health.Set("", ServingStatus.Serving);
        Assert.Equal(WireStatus.Serving, await NextStatusAsync(watch));

        var stop = server.StopGracefullyAsync();
        Assert.Equal(WireStatus.NotServing, await NextStatusAsync(watch));
        Assert.Null(await watch.ReadAsync().WaitAsync(Bound));
        Assert.Equal("14", watch.GrpcStatus);
        await stop.WaitAsync(Bound);
    }

    [Fact]
    public async Task Health_watch_of_an_unknown_service_says_so_until_it_is_added()
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        using var client = new RawGrpcClient(server.Url);
        using var watch = await client.OpenAsync(RpcPaths.HealthWatch, RawGrpcClient.Frame(new HealthCheckRequest { Service = "later.Service" }));
        Assert.Equal(WireStatus.ServiceUnknown, await NextStatusAsync(watch));
        server.Health.Set("later.Service", ServingStatus.Serving);
        Assert.Equal(WireStatus.Serving, await NextStatusAsync(watch));
        server.Health.Remove("later.Service");
        Assert.Equal(WireStatus.ServiceUnknown, await NextStatusAsync(watch));
    }

    [Fact]
    public async Task Fail_with_fails_every_call_but_health()
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { FailWith = new Status(StatusCode.Unavailable, "switched off") });
        using var client = new RawGrpcClient(server.Url);
        var hello = await client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "x" }));
        Assert.Equal("14", hello.GrpcStatus);
        Assert.Equal("switched off", hello.RawGrpcMessage);
        Assert.Equal(WireStatus.Serving, await CheckAsync(client, ""));

        server.Behavior.FailWith = null;
        var again = await client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "x" }));
        Assert.Equal("0", again.GrpcStatus);
    }

    [Fact]
    public async Task Artificial_delay_is_bounded_by_the_callers_deadline()
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { Delay = TimeSpan.FromMinutes(5) });
        using var client = new RawGrpcClient(server.Url);
        var r = await client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest()), [("grpc-timeout", "50m")]);
        Assert.Equal("4", r.GrpcStatus);
    }

    [Fact]
    public async Task Graceful_stop_lets_the_call_in_flight_finish()
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        await using var _ = server;
        using var client = new RawGrpcClient(server.Url);
        using var call = await client.OpenAsync(RpcPaths.ServerStream, RawGrpcClient.Frame(new StreamRequest { Count = 4, IntervalMs = 100 }));
        Assert.NotNull(await call.ReadAsync().WaitAsync(Bound));

        var stop = server.StopGracefullyAsync();
        var rest = 0;
        while (await call.ReadAsync().WaitAsync(Bound) is not null)
        {
            rest++;
        }

        Assert.Equal(3, rest);
        Assert.Equal("0", call.GrpcStatus);
        await stop.WaitAsync(Bound);
        using var late = new RawGrpcClient(server.Url);
        await Assert.ThrowsAsync<HttpRequestException>(() => late.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest())));
    }

    [Fact]
    public async Task Abort_drops_the_call_in_flight()
    {
        var server = await GreeterServer.StartAsync(new GreeterServerOptions());
        using var client = new RawGrpcClient(server.Url);
        using var call = await client.OpenAsync(RpcPaths.ServerStream, RawGrpcClient.Frame(new StreamRequest { Count = 1000, IntervalMs = 100 }));
        Assert.NotNull(await call.ReadAsync().WaitAsync(Bound));
        Assert.Equal(1, server.OpenConnections);

        await server.AbortAsync().WaitAsync(Bound);
        var error = await Record.ExceptionAsync(async () =>
        {
            while (await call.ReadAsync().WaitAsync(Bound) is not null)
            {
            }
        });
        Assert.True(error is IOException or HttpRequestException, $"expected the stream to break, got {error?.GetType().Name ?? "a clean end"}");
        Assert.Equal(0, server.Events.CancellationsSeen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stopped_server_can_be_restarted_on_the_same_port(bool abort)
    {
        var first = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "first" });
        var port = first.Port;
        await (abort ? first.AbortAsync() : first.StopGracefullyAsync()).WaitAsync(Bound);

        await using var second = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "second", Port = port });
        using var client = new RawGrpcClient(second.Url);
        var r = await client.SendAsync(RpcPaths.SayHello, RawGrpcClient.Frame(new HelloRequest { Name = "again" }));
        Assert.Equal("Hello again from second", HelloReply.Parser.ParseFrom(Assert.Single(r.Messages)).Message);
    }

    [Fact]
    public async Task Serves_on_ipv6_loopback()
    {
        await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { Address = System.Net.IPAddress.IPv6Loopback });
        Assert.Equal($"[::1]:{server.Port}", server.Address);
        using var client = new RawGrpcClient(server.Url);
        Assert.Equal(WireStatus.Serving, await CheckAsync(client, ""));
    }

    private static async Task<WireStatus> CheckAsync(RawGrpcClient client, string service)
    {
        var r = await client.SendAsync(RpcPaths.HealthCheck, RawGrpcClient.Frame(new HealthCheckRequest { Service = service }));
        Assert.Equal("0", r.GrpcStatus);
        return HealthCheckResponse.Parser.ParseFrom(Assert.Single(r.Messages)).Status;
    }

    private static async Task<WireStatus> NextStatusAsync(RawStream watch)
    {
        var message = await watch.ReadAsync().WaitAsync(Bound);
        Assert.NotNull(message);
        return HealthCheckResponse.Parser.ParseFrom(message).Status;
    }
}
