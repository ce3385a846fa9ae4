namespace ActorChannel.Actors.Tests.Resolution.Servers;

/// <summary>
/// A real single-member etcd on loopback ports with a temp data dir. <see cref="RestartAsync"/> stops it and starts
/// it again on the same ports and data, as an operator's restart would.
/// </summary>
internal sealed class EtcdServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("etcd-").FullName;
    private readonly int _peerPort = LoopbackPorts.Free();
    private ServerProcess? _process;

    private EtcdServer() => ClientPort = LoopbackPorts.Free();

    public int ClientPort { get; }

    public string Url => $"http://127.0.0.1:{ClientPort}";

    public static bool Installed => File.Exists(Binary);

    public static async Task<EtcdServer> StartAsync()
    {
        var server = new EtcdServer();
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartProcessAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartProcessAsync()
    {
        var peer = $"http://127.0.0.1:{_peerPort}";
        string[] arguments =
        [
            "--name=test", $"--data-dir={Path.Combine(_directory, "data")}",
            $"--listen-client-urls={Url}", $"--advertise-client-urls={Url}",
            $"--listen-peer-urls={peer}", $"--initial-advertise-peer-urls={peer}", $"--initial-cluster=test={peer}",
        ];
        _process = await ServerProcess.StartAsync(Binary, arguments, "ready to serve client requests", StartDeadline).ConfigureAwait(false);
    }
}
