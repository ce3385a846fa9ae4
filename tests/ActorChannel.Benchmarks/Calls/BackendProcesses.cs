using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>
/// The backends of the <c>calls</c> mode: one <c>ActorChannel.Host.dll serve --port P --name bN</c> process each
/// (the project's Grpc.AspNetCore Greeter), so the client process's CPU time is the client's alone.
/// Disposing kills exactly the processes started here.
/// </summary>
internal sealed class BackendProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<int> _ports = [];

    private BackendProcesses(string hostDll) => HostDll = hostDll;

    public string HostDll { get; }

    /// <summary>The backends' ports on 127.0.0.1, b1 first.</summary>
    public IReadOnlyList<int> Ports => _ports;

    public static async Task<BackendProcesses> StartAsync(string hostDll, int count)
    {
        if (!File.Exists(hostDll))
        {
            throw new FileNotFoundException($"{hostDll} is missing: build the solution in Release first, or pass --host PATH.", hostDll);
        }

        var backends = new BackendProcesses(hostDll);
        try
        {
            for (var i = 1; i <= count; i++)
            {
                await backends.StartOneAsync($"b{i}");
            }
        }
        catch
        {
            await backends.DisposeAsync();
            throw;
        }

        return backends;
    }

    /// <summary>Where a Release build of the solution puts the host, found from this assembly's own build folder.</summary>
    public static string DefaultHostDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent?.Name ?? "Release");
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorChannel.sln")))
            {
                return Path.Combine(dir.FullName, "src", "Host", "bin", configuration, framework, "ActorChannel.Host.dll");
            }
        }

        return Path.Combine("src", "Host", "bin", "Release", "net10.0", "ActorChannel.Host.dll");
    }

    private async Task StartOneAsync(string name)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo(DotnetPath()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { HostDll, "serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--name", name })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + HostDll);
        _processes.Add(process);

        // Read what it prints (a line at start, warnings) so that a full pipe never blocks it.
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"backend {name} did not accept on 127.0.0.1:{port} (exited: {process.HasExited}); it printed: {string.Join(" | ", output)}");
            }

            await Task.Delay(50);
        }

        _ports.Add(port);
    }

    private static void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        while (lines.Count > 20 && lines.TryDequeue(out _))
        {
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Run as "dotnet X.dll", this process is dotnet itself; run through the apphost, dotnet is on PATH.
    private static string DotnetPath() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) is "dotnet" ? Environment.ProcessPath! : "dotnet";

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _processes.Clear();
    }
}
