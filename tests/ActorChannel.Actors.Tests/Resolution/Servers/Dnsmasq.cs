namespace ActorChannel.Actors.Tests.Resolution.Servers;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and an ephemeral port, answering only for the zone "test" from the records it was
/// started with. <see cref="RestartAsync"/> changes the records on the same port, as a zone edit would.
/// </summary>
internal sealed class Dnsmasq : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dnsmasq";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private readonly string _directory = Directory.CreateTempSubdirectory("dnsmasq-").FullName;
    private ServerProcess? _process;

    private Dnsmasq(int port) => Port = port;

    public int Port { get; }

    /// <summary>The target authority that asks this server.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public static bool Installed => File.Exists(Binary);

    /// <param name="ttl">The TTL of every answer (--local-ttl).</param>
    /// <param name="options">dnsmasq options that define records, e.g. "--host-record=b1.greeter.test,127.0.0.1".</param>
    public static async Task<Dnsmasq> StartAsync(int ttl, params string[] options)
    {
        var server = new Dnsmasq(LoopbackPorts.Free(udpToo: true));
        await server.RestartAsync(ttl, options).ConfigureAwait(false);
        return server;
    }

    public async Task RestartAsync(int ttl, params string[] options)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        // The records go in a file of their own, not on the command line: only there does dnsmasq honour the quotes
        // that keep a TXT record's commas (JSON's) inside one string.
        var records = Path.Combine(_directory, "records.conf");
        await File.WriteAllLinesAsync(records, options.Select(o => o.TrimStart('-'))).ConfigureAwait(false);
        string[] arguments =
        [
            "--keep-in-foreground", "--log-facility=-", $"--port={Port}", "--listen-address=127.0.0.1", "--bind-interfaces",
            "--no-resolv", "--no-hosts", $"--conf-file={records}", "--local=/test/", $"--local-ttl={ttl}", "--user=root",
        ];

        // "started" is logged once the listening sockets are bound.
        _process = await ServerProcess.StartAsync(Binary, arguments, "started, version", StartDeadline).ConfigureAwait(false);
    }

    /// <summary>A TXT record's text as one dnsmasq string (quoted, so commas stay in it).</summary>
    public static string Txt(string name, string text) =>
        $"--txt-record={name},\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>A records for one name (one --host-record per address: each holds one IPv4 address at most).</summary>
    public static string[] Host(string name, params string[] addresses) =>
        addresses.Select(a => $"--host-record={name},{a}").ToArray();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Delete(_directory, recursive: true);
    }
}
