using System.Text;
using ActorChannel.Host.Cli;

namespace ActorChannel.Host.Tests.Infrastructure;

/// <summary>
/// Runs the CLI in process with its stdout and stderr captured, so a test can wait for a line while a command
/// is still running (serve, watch) and inspect everything afterwards.
/// </summary>
public sealed class CapturedCli
{
    public CapturedCli()
    {
        Io = CliIo.Capture(Out, Error);
    }

    public SignallingWriter Out { get; } = new();

    public SignallingWriter Error { get; } = new();

    public CliIo Io { get; }

    public Task<int> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<int> RunAsync(string[] args, CancellationToken ct) => CliApp.RunAsync(args, Io, ct);

    public string[] OutLines => Lines(Out.ToString());

    public string[] ErrorLines => Lines(Error.ToString());

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A StringWriter that lets a test await a line matching a predicate (bounded real wait).</summary>
public sealed class SignallingWriter : StringWriter
{
    private readonly SemaphoreSlim _written = new(0);
    private readonly object _gate = new();

    public SignallingWriter()
        : base(System.Globalization.CultureInfo.InvariantCulture)
    {
    }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }

        _written.Release();
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }

        _written.Release();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            base.Write(buffer, index, count);
        }

        _written.Release();
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }

        _written.Release();
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _written.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching line within {timeout ?? TimeSpan.FromSeconds(15)}. Output so far:\n{this}");
            }
        }
    }
}
