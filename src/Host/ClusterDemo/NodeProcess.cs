using System.Diagnostics;

namespace ActorChannel.Host.ClusterDemo;

/// <summary>A greeter node running as a child process of the demo: this same program's hidden <c>cluster-node</c> command.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, string name, string endpoint)
    {
        _process = process;
        Name = name;
        Endpoint = endpoint;
    }

    public string Name { get; }

    /// <summary>"127.0.0.1:PORT" of its Greeter, as the channel's subchannels name it.</summary>
    public string Endpoint { get; }

    public bool Running => !_process.HasExited;

    public static async Task<NodeProcess> StartAsync(string name, string seed, bool tunedFailureDetector, CancellationToken ct)
    {
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // "dotnet ActorChannel.Host.dll cluster-node ...": this program's assembly, found next to this code whether the
        // demo runs as the app, through dotnet run, or inside a test host.
        start.ArgumentList.Add(typeof(NodeProcess).Assembly.Location);

        foreach (var arg in new[] { "cluster-node", "--name", name, "--seed", seed })
        {
            start.ArgumentList.Add(arg);
        }

        if (!tunedFailureDetector)
        {
            start.ArgumentList.Add("--default-failure-detector");
        }

        var process = Process.Start(start) ?? throw new IOException($"could not start the node process for {name}");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    var node = new NodeProcess(process, name, line.Split(' ')[2]);
                    _ = DrainAsync(process.StandardOutput);
                    return node;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"node {name} did not join the cluster within 60 s");
        }

        throw new IOException($"node {name} exited before it was ready (exit code {(process.HasExited ? process.ExitCode : -1)})");
    }

    /// <summary>The dotnet executable: the SDK names it in DOTNET_HOST_PATH; else the one running us, else PATH's.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    /// <summary>kill -9: no Leave, no GOAWAY; its sockets just close.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Asks the node to leave the cluster and stop gracefully; completes when it has exited.</summary>
    public async Task LeaveAsync(CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync("leave").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(ct).ConfigureAwait(false);
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static async Task DrainAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (IOException)
        {
            // the node is gone
        }
    }
}
