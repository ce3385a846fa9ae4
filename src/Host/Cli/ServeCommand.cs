using System.CommandLine;
using System.Net;
using ActorChannel.Host.Server;
using ActorChannel.Resolution;
using ActorChannel.Resolution.Etcd;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Cli;

/// <summary><c>serve</c>: runs the Greeter server (Greeter, test service, health) until Ctrl-C.</summary>
public static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var port = new Option<int>("--port", "-p") { Description = "Port on 127.0.0.1 (0 picks a free one)", Required = true };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError($"--port must be between 0 and 65535, got {r.GetValueOrDefault<int>()}.");
            }
        });
        var name = new Option<string>("--name") { Description = "Instance name, part of every reply", DefaultValueFactory = _ => "server" };
        var delay = CliOptions.Duration("--delay", null, TimeSpan.Zero, "Artificial delay before each answer");
        var health = new Option<string>("--health") { Description = "Initial health status: serving, not-serving or unknown", DefaultValueFactory = _ => "serving" };
        health.AcceptOnlyFromAmong("serving", "not-serving", "unknown");
        var tls = new Option<string?>("--tls") { Description = "Serve TLS with this certificate (PEM or PKCS#12)" };
        var key = new Option<string?>("--key") { Description = "The PEM private key of --tls, if not inside it" };
        var register = new Option<string?>("--register") { Description = "Announce this server in etcd under etcd://host:port/prefix while it runs" };
        var command = new Command("serve", "Run the Greeter server (helloworld.Greeter, the test service and grpc.health.v1.Health)")
        {
            port, name, delay, health, tls, key, register,
        };
        command.SetAction((parse, ct) => CliApp.Guard(io, () => RunAsync(
            io,
            new ServeSettings(parse.GetValue(port), parse.GetRequiredValue(name), parse.GetValue(delay), parse.GetRequiredValue(health), parse.GetValue(tls), parse.GetValue(key), parse.GetValue(register)),
            ct)));
        return command;
    }

    public sealed record ServeSettings(int Port, string Name, TimeSpan Delay, string Health, string? TlsCertificate, string? TlsKey, string? Register = null);

    public static async Task<int> RunAsync(CliIo io, ServeSettings settings, CancellationToken ct)
    {
        using var logs = io.CreateLoggerFactory();
        var certificate = settings.TlsCertificate is { } path ? LoadCertificate(path, settings.TlsKey) : null;
        var server = await GreeterServer.StartAsync(
            new GreeterServerOptions
            {
                Address = IPAddress.Loopback,
                Port = settings.Port,
                InstanceName = settings.Name,
                Delay = settings.Delay,
                Certificate = certificate,
                InitialHealth = settings.Health switch { "not-serving" => ServingStatus.NotServing, "unknown" => ServingStatus.Unknown, _ => ServingStatus.Serving },
                LoggerFactory = logs,
            },
            ct).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            io.Out.WriteLine($"serving {settings.Name} on {server.Url} (Ctrl-C to stop)");
            var registration = settings.Register is { } target
                ? await RegisterAsync(target, $"{server.Url.Host}:{server.Url.Port}", logs, ct).ConfigureAwait(false)
                : null;
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop as a well-behaved server does, with GOAWAY and in-flight calls finishing.
            }

            // Leave the registry first, so that clients stop choosing this server before it sends GOAWAY.
            if (registration is not null)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopGracefullyAsync(grace.Token).ConfigureAwait(false);
            io.Out.WriteLine($"stopped {settings.Name}");
        }

        return 0;
    }

    private static async Task<EtcdRegistration> RegisterAsync(string target, string address, Microsoft.Extensions.Logging.ILoggerFactory logs, CancellationToken ct)
    {
        try
        {
            return await EtcdRegistration.StartAsync(target, address, logger: logs.CreateLogger("etcd"), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--register {target}: {e.Message}", 2, e);
        }
        catch (NameResolutionException e)
        {
            throw new CliUsageException($"--register {target}: {e.Message}", 1, e);
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, string? key)
    {
        try
        {
            return ServerCertificate.Load(path, key);
        }
        catch (Exception e) when (e is not CliUsageException)
        {
            throw new CliUsageException($"--tls {path}: {e.Message}", 2, e);
        }
    }
}
