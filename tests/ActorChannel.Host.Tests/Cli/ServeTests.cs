using System.Net;
using System.Net.Sockets;
using ActorChannel.Host.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Host.Tests.Cli;

public sealed class ServeTests
{
    [Fact]
    public async Task Serves_until_cancelled_and_answers_greet_meanwhile()
    {
        var server = new CapturedCli();
        using var ctrlC = new CancellationTokenSource();
        var serving = server.RunAsync(["serve", "--port", "0", "--name", "cli-server", "--delay", "10ms"], ctrlC.Token);
        try
        {
            var line = await server.Out.WaitForLineAsync(l => l.StartsWith("serving cli-server on http://127.0.0.1:", StringComparison.Ordinal));
            var port = new Uri(line.Split(' ')[3]).Port;

            var client = new CapturedCli();
            Assert.Equal(0, await client.RunAsync("greet", "--target", $"127.0.0.1:{port}"));
            Assert.Equal($"Hello world from cli-server    [127.0.0.1:{port}]", Assert.Single(client.OutLines));
        }
        finally
        {
            await ctrlC.CancelAsync();
        }

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("stopped cli-server", server.OutLines);
        Assert.Empty(server.Error.ToString());
    }

    [Fact]
    public async Task A_port_in_use_ends_with_one_line_and_a_non_zero_exit()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.NotEqual(0, exit);
        var line = Assert.Single(cli.ErrorLines);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_certificate_ends_with_one_line_naming_it()
    {
        var cli = new CapturedCli();

        var exit = await cli.RunAsync("serve", "--port", "0", "--tls", "/nonexistent/cert.pem");

        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/cert.pem", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }
}
