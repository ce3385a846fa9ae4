using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>
/// A peer program (node or python) started by a test: its stdout is collected line by line so tests
/// can wait for "LISTENING &lt;port&gt;" or "CANCELLED &lt;path&gt;"; disposing kills it by PID (also when the test failed).
/// </summary>
public sealed partial class PeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PeerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? PeerPaths.PeersDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                peer._lines.Enqueue(e.Data);
                peer._lineArrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._stderr)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) =>
        {
            peer._exited.TrySetResult();
            peer._lineArrived.Release();
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Starts a peer server and returns it once it printed "LISTENING &lt;port&gt;".</summary>
    public static async Task<(PeerProcess Peer, int Port)> StartServerAsync(string fileName, IEnumerable<string> arguments)
    {
        var peer = Start(fileName, arguments);
        try
        {
            var line = await peer.WaitForLineAsync(l => l.StartsWith("LISTENING ", StringComparison.Ordinal), StartTimeout);
            return (peer, int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first stdout line (already seen or still to come) matching <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = _lines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (_process.HasExited && _lineArrived.CurrentCount == 0)
            {
                _process.WaitForExit(); // flushes the redirected streams
                found = _lines.FirstOrDefault(match);
                return found ?? throw new InvalidOperationException(
                    $"Peer {_process.StartInfo.FileName} (pid {Pid}) exited with {_process.ExitCode} before printing the expected line. stdout:\n{string.Join('\n', _lines)}\nstderr:\n{Stderr}");
            }

            try
            {
                await _lineArrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Peer (pid {Pid}) printed no matching line within {timeout}. stdout:\n{string.Join('\n', _lines)}\nstderr:\n{Stderr}");
            }
        }
    }

    /// <summary>Waits for the program to end by itself (a client run) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _exited.Task.WaitAsync(timeout);
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        finally
        {
            _process.Dispose();
        }
    }
}
