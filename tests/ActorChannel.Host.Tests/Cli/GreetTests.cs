using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class GreetTests
{
    [Fact]
    public async Task Greets_our_server_and_names_the_backend_that_answered()
    {
        await using var server = await Backends.StartOursAsync("kestrel");
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("greet", "--target", server.Address, "--name", "Ada", "-n", "3");

        Assert.Equal(0, exit);
        Assert.Equal(3, cli.OutLines.Length);
        Assert.All(cli.OutLines, l => Assert.Equal($"Hello Ada from kestrel    [{server.Address}]", l));
        Assert.Empty(cli.Error.ToString());
    }

    [Fact]
    public async Task Round_robin_greets_every_backend_of_an_address_list()
    {
        await using var a = await Backends.StartOursAsync("a");
        await using var b = await Backends.StartOursAsync("b");
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("greet", "--target", $"ipv4:{a.Address},{b.Address}", "--lb", "round_robin", "-n", "6");

        // The first calls may all go to whichever subchannel is READY first; after that the two alternate.
        Assert.Equal(0, exit);
        Assert.Equal(6, cli.OutLines.Length);
        Assert.Contains(cli.OutLines, l => l.EndsWith($"[{a.Address}]", StringComparison.Ordinal) && l.Contains("from a", StringComparison.Ordinal));
        Assert.Contains(cli.OutLines, l => l.EndsWith($"[{b.Address}]", StringComparison.Ordinal) && l.Contains("from b", StringComparison.Ordinal));
        Assert.DoesNotContain(cli.OutLines, l => l.Contains("from a", StringComparison.Ordinal) != l.EndsWith($"[{a.Address}]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Greets_the_grpc_js_server()
    {
        var (peer, port) = await Backends.StartGrpcJsAsync("grpc-js");
        await using var _ = peer;
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("greet", "--target", $"127.0.0.1:{port}", "-n", "2");

        Assert.True(exit == 0, cli.Error.ToString());
        Assert.All(cli.OutLines, l => Assert.Equal($"Hello world from grpc-js    [127.0.0.1:{port}]", l));
        Assert.Equal(2, cli.OutLines.Length);
    }

    [Fact]
    public async Task Greets_the_python_grpcio_server_through_a_dns_target()
    {
        var (peer, port) = await Backends.StartPythonAsync("python");
        await using var _ = peer;
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("greet", "--target", $"dns:///127.0.0.1:{port}", "--name", "Grace");

        Assert.True(exit == 0, cli.Error.ToString());
        Assert.Equal($"Hello Grace from python    [127.0.0.1:{port}]", Assert.Single(cli.OutLines));
    }

    [Fact]
    public async Task A_backend_that_is_not_there_fails_with_one_unavailable_line_per_call()
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("greet", "--target", $"127.0.0.1:{Backends.ClosedPort()}", "--timeout", "5s");

        Assert.Equal(1, exit);
        var line = Assert.Single(cli.ErrorLines);
        Assert.StartsWith("greet: call 1 failed: UNAVAILABLE", line, StringComparison.Ordinal);
        Assert.Empty(cli.Out.ToString());
    }
}
