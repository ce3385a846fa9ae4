using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using ActorChannel.Client;
using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Interop.Tests.Forward;

/// <summary>A server the channel's interop cases run against: ours in process, or a peer program.</summary>
public abstract class InteropServer : IAsyncLifetime
{
    public abstract string InstanceName { get; }

    public int Port { get; protected set; }

    /// <summary>How a channel dials it (plaintext unless overridden).</summary>
    public virtual ManagedChannelOptions ChannelOptions => new() { Credentials = ChannelCredentials.Insecure };

    /// <summary>Completes when the server reported that the client cancelled a call of <paramref name="path"/>.</summary>
    public abstract Task WaitForCancellationAsync(string path, TimeSpan timeout);

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

public class OurServer : InteropServer
{
    private readonly ConcurrentQueue<string> _cancelled = new();
    private readonly SemaphoreSlim _cancelSignal = new(0);

    public RunningGreeterServer Server { get; private set; } = null!;

    public override string InstanceName => "kestrel";

    protected virtual X509Certificate2? Certificate => null;

    public override async Task InitializeAsync()
    {
        Server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = InstanceName, Certificate = Certificate });
        Server.Events.CallCancelled += path =>
        {
            _cancelled.Enqueue(path);
            _cancelSignal.Release();
        };
        Port = Server.Port;
    }

    public override async Task WaitForCancellationAsync(string path, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!_cancelled.Contains(path))
        {
            await _cancelSignal.WaitAsync(cts.Token);
        }
    }

    public override async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class OurTlsServer : OurServer
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    protected override X509Certificate2? Certificate => _certificate;

    /// <summary>TLS trusting only the test's certificate, with the certificate's host name as the authority.</summary>
    public override ManagedChannelOptions ChannelOptions => new()
    {
        Credentials = new SslCredentials(_certificate.ExportCertificatePem()),
        Authority = $"{TestCertificate.HostName}:{Port}",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _certificate.Dispose();
    }
}

/// <summary>A peer server program (grpc-js or python), started on an ephemeral port and killed by PID.</summary>
public abstract class PeerServer : InteropServer
{
    private PeerProcess? _peer;

    protected abstract (string FileName, string[] Arguments) Command { get; }

    public override async Task InitializeAsync()
    {
        var (file, args) = Command;
        (_peer, var port) = await PeerProcess.StartServerAsync(file, args);
        Port = port;
    }

    public override Task WaitForCancellationAsync(string path, TimeSpan timeout) =>
        _peer!.WaitForLineAsync(l => l == "CANCELLED " + path, timeout);

    public override async Task DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }
    }
}

public sealed class GrpcJsServer : PeerServer
{
    public override string InstanceName => "js";

    protected override (string, string[]) Command => (PeerPaths.Node, [PeerPaths.Script("server.js"), "--name", InstanceName]);
}

public sealed class PythonServer : PeerServer
{
    public override string InstanceName => "py";

    protected override (string, string[]) Command => (PeerPaths.Python, [PeerPaths.Script("python_server.py"), "--name", InstanceName]);
}
