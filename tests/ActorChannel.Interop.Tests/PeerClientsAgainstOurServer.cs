using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Interop.Tests;

/// <summary>Runs a peer client's interop cases once against our Kestrel server (h2c); the tests then check each case's line.</summary>
public abstract class PeerClientRun : IAsyncLifetime
{
    public RunningGreeterServer Server { get; private set; } = null!;

    public IReadOnlyList<string> Output { get; private set; } = [];

    public int ExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "kestrel-a" });
        (Output, ExitCode) = await RunAsync(Server.Address);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected abstract Task<(IReadOnlyList<string>, int)> RunAsync(string target);
}

public sealed class GrpcJsClientRun : PeerClientRun
{
    protected override Task<(IReadOnlyList<string>, int)> RunAsync(string target) => PeerClient.RunGrpcJsAsync(target);
}

public sealed class PythonClientRun : PeerClientRun
{
    protected override Task<(IReadOnlyList<string>, int)> RunAsync(string target) => PeerClient.RunPythonAsync(target);
}

/// <summary>The reverse direction: real gRPC clients against our server, case by case.</summary>
public abstract class PeerClientAgainstOurServer(PeerClientRun run, ITestOutputHelper output)
{
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
    public void Case_passes(string name)
    {
        foreach (var line in run.Output)
        {
            output.WriteLine(line);
        }

        PeerClient.AssertPassed(run.Output, name);
    }

    [Fact]
    public void Greeter_reply_names_our_instance() => Assert.Contains("PASS unary kestrel-a", run.Output);

    [Fact]
    public void Gzip_request_arrived_compressed() => Assert.Contains("PASS gzip request-encoding=gzip", run.Output);

    [Fact]
    public async Task Cancellation_is_seen_by_the_server()
    {
        await run.Server.Events.WaitForCancellationsAsync(1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.Server.Events.CancellationsSeen >= 1);
    }

    [Fact]
    public void Client_exited_zero() => Assert.True(run.ExitCode == 0, string.Join('\n', run.Output));
}

public sealed class GrpcJsClientAgainstOurServer(GrpcJsClientRun run, ITestOutputHelper output)
    : PeerClientAgainstOurServer(run, output), IClassFixture<GrpcJsClientRun>;

public sealed class PythonClientAgainstOurServer(PythonClientRun run, ITestOutputHelper output)
    : PeerClientAgainstOurServer(run, output), IClassFixture<PythonClientRun>;
