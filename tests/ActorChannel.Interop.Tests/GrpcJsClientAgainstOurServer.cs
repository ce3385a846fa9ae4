using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Interop.Tests;

/// <summary>Runs the grpc-js client's interop cases once against our Kestrel server (h2c), then checks each case's line.</summary>
public sealed class GrpcJsClientRunOverH2c : IAsyncLifetime
{
    public RunningGreeterServer Server { get; private set; } = null!;

    public IReadOnlyList<string> Output { get; private set; } = [];

    public int ExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "kestrel-a" });
        (Output, ExitCode) = await GrpcJsClient.RunAsync(Server.Address);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class GrpcJsClientAgainstOurServer(GrpcJsClientRunOverH2c run, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<GrpcJsClientRunOverH2c>
{
    [Fact]
    public void Client_output_is_logged()
    {
        foreach (var line in run.Output)
        {
            output.WriteLine(line);
        }
    }

    [Theory]
    [InlineData("unary")]
    [InlineData("echo")]
    [InlineData("server_stream")]
    [InlineData("client_stream")]
    [InlineData("bidi")]
    [InlineData("metadata")]
    [InlineData("error_non_ascii")]
    [InlineData("deadline")]
    [InlineData("cancel")]
    [InlineData("large")]
    [InlineData("gzip")]
    [InlineData("unimplemented")]
    [InlineData("health")]
    public void Case_passes(string name) => GrpcJsClient.AssertPassed(run.Output, name);

    [Fact]
    public void Greeter_reply_names_our_instance() =>
        Assert.Contains(run.Output, l => l == "PASS unary kestrel-a");

    [Fact]
    public void Gzip_request_arrived_compressed() =>
        Assert.Contains(run.Output, l => l == "PASS gzip request-encoding=gzip");

    [Fact]
    public async Task Cancellation_is_seen_by_the_server()
    {
        var cancelled = new List<string>();
        run.Server.Events.CallCancelled += cancelled.Add;
        await run.Server.Events.WaitForCancellationsAsync(1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.Server.Events.CancellationsSeen >= 1);
    }

    [Fact]
    public void Client_exited_zero() => Assert.True(run.ExitCode == 0, string.Join('\n', run.Output));
}
