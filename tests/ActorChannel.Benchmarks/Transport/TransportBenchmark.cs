using System.Diagnostics;
using System.Globalization;
using ActorChannel.Transport;

namespace ActorChannel.Benchmarks.Transport;

/// <summary>
/// Closed-loop unary benchmark of the transport beside a bare HttpMessageInvoker (the floor) and the
/// floor plus the HTTP/2 frame observer, against a Kestrel h2c Greeter.
/// <c>dotnet run -c Release --project tests/ActorChannel.Benchmarks -- transport [--seconds 10] [--warmup 2] [--rounds 2] [--callers 1,16] [--server inproc|child] [--greeter real|minimal] [--with-token] [--variants bare,Http]</c>;
/// <c>... -- transport layer</c> runs <see cref="CallLayerBenchmark"/> (BenchmarkDotNet, no network).
/// With <c>--server child</c> the Greeter runs in a child process, so the allocation figures are the client's alone.
/// </summary>
public static class TransportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var minimal = BenchArgs.Text(args, "--greeter") == "minimal";
        if (args.Length > 0 && args[0] == "serve")
        {
            return await ServeAsync(minimal);
        }

        if (args.Length > 0 && args[0] == "layer")
        {
            BenchmarkDotNet.Running.BenchmarkRunner.Run<CallLayerBenchmark>(args: args[1..]);
            return 0;
        }

        var seconds = BenchArgs.Number(args, "--seconds", 10.0);
        var warmup = BenchArgs.Number(args, "--warmup", 2.0);
        var rounds = (int)BenchArgs.Number(args, "--rounds", 2.0);
        var callers = BenchArgs.Callers(args);
        var child = BenchArgs.Text(args, "--server") == "child";

        Process? server = null;
        GreeterEndpoint? inproc = null;
        int port;
        if (child)
        {
            (server, port) = await StartChildServerAsync(minimal);
        }
        else
        {
            inproc = minimal ? await GreeterEndpoint.StartAsync() : await GreeterEndpoint.StartRealAsync();
            port = inproc.Port;
        }

        try
        {
            Console.WriteLine($"# transport unary benchmark: {Environment.ProcessorCount} cores, {(minimal ? "minimal Greeter handler" : "Greeter server (src/Host)")} {(child ? "in a child process" : "in-process")}, {seconds} s x {rounds} rounds, warmup {warmup} s, {RuntimeInfo()}");
            var results = new List<LoopResult>();
            using var bare = new UnaryClients.Bare(port, observeFrames: false);
            using var observed = new UnaryClients.Bare(port, observeFrames: true);
            using var withHeaders = new UnaryClients.Bare(port, observeFrames: true, grpcHeaders: true);
            using var withToken = new UnaryClients.Bare(port, observeFrames: true, grpcHeaders: true, cancellable: true);
            var transport = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", port), new TransportOptions(), _ => { });
            await transport.ConnectAsync(CancellationToken.None);
            var variants = new (string Name, Func<Task> Call)[]
            {
                ("bare HttpMessageInvoker", bare.CallAsync),
                ("bare + frame observer", observed.CallAsync),
                ("bare + observer + headers", withHeaders.CallAsync),
                ("bare + obs + hdrs + token", withToken.CallAsync),
                ("HttpClientTransport", () => UnaryClients.CallAsync(transport.Invoker)),
            };

            // The token variant only showed that a cancellable token costs nothing visible: opt-in.
            variants = variants.Where(v => args.Contains("--with-token") || !v.Name.EndsWith("token", StringComparison.Ordinal)).ToArray();
            variants = RoundSummary.Select(variants, BenchArgs.Text(args, "--variants"));

            if (BenchArgs.Text(args, "--profile") is { } profiled)
            {
                using var sampler = new AllocationSampler();
                var (name, call) = variants.First(v => v.Name.StartsWith(profiled, StringComparison.OrdinalIgnoreCase));
                await ClosedLoop.RunAsync(name, 1, TimeSpan.FromSeconds(warmup), call);
                sampler.Enabled = true;
                var r = await ClosedLoop.RunAsync(name, 1, TimeSpan.FromSeconds(seconds), call);
                sampler.Enabled = false;
                Console.WriteLine(Row(r));
                foreach (var (type, bytes) in sampler.Top(40))
                {
                    Console.WriteLine($"{bytes / (double)r.Calls,8:0.0} B/call  {type}");
                }

                return 0;
            }

            foreach (var n in callers)
            {
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var (name, call) in variants)
                    {
                        if (round == 0)
                        {
                            await ClosedLoop.RunAsync(name, n, TimeSpan.FromSeconds(warmup), call);
                        }

                        var r = await ClosedLoop.RunAsync(name, n, TimeSpan.FromSeconds(seconds), call);
                        results.Add(r);
                        Console.WriteLine(Row(r) + $" (round {round + 1})");
                    }
                }
            }

            await transport.DisposeAsync();
            RoundSummary.Print(results, variants[0].Name);
            return 0;
        }
        finally
        {
            if (inproc is not null)
            {
                await inproc.DisposeAsync();
            }

            if (server is not null)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
                server.Dispose();
            }
        }
    }

    private static string Row(LoopResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Variant,-26} callers={r.Callers,-3} {r.CallsPerSecond,9:0} calls/s  p50={r.P50Micros,7:0} µs  p99={r.P99Micros,7:0} µs  {r.BytesPerCall,6:0} B/call  {r.CpuMicrosPerCall,5:0.0} µs CPU/call  gc0={r.Gen0} gc1={r.Gen1} gc2={r.Gen2}");

    private static string RuntimeInfo() =>
        $".NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC";

    private static async Task<int> ServeAsync(bool minimal)
    {
        await using var endpoint = minimal ? await GreeterEndpoint.StartAsync() : await GreeterEndpoint.StartRealAsync();
        Console.WriteLine("PORT " + endpoint.Port);
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    private static async Task<(Process, int)> StartChildServerAsync(bool minimal)
    {
        var self = Environment.ProcessPath!;
        var dll = typeof(TransportBenchmark).Assembly.Location;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!Path.GetFileNameWithoutExtension(self).Equals("ActorChannel.Benchmarks", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(dll);
        }

        psi.ArgumentList.Add("transport");
        psi.ArgumentList.Add("serve");
        if (minimal)
        {
            psi.ArgumentList.Add("--greeter");
            psi.ArgumentList.Add("minimal");
        }
        var process = Process.Start(psi)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The Greeter child process did not report its port (got '{line}').");
        }

        return (process, int.Parse(line[5..], CultureInfo.InvariantCulture));
    }
}
