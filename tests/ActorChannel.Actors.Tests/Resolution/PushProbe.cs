using System.Collections.Concurrent;
using System.Threading.Channels;
using ActorChannel.Resolution;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Actors.Tests.Resolution;

/// <summary>A ResolverContext whose pushed updates and errors a test awaits, each with a deadline.</summary>
internal sealed class PushProbe
{
    /// <summary>Long enough for a loopback server to answer on a loaded 2-core machine; only reached when a test fails.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly Channel<ResolutionResult> _updates = Channel.CreateUnbounded<ResolutionResult>();
    private readonly Channel<Exception> _errors = Channel.CreateUnbounded<Exception>();

    public PushProbe(TimeProvider? timeProvider = null)
    {
        Context = new ResolverContext(
            timeProvider ?? TimeProvider.System,
            new RecordingLogger(Logged),
            r => _updates.Writer.TryWrite(r),
            e => _errors.Writer.TryWrite(e));
    }

    public ResolverContext Context { get; }

    /// <summary>Every line the resolver logged, formatted.</summary>
    public ConcurrentQueue<string> Logged { get; } = new();

    public Task<ResolutionResult> NextUpdateAsync() => _updates.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    public Task<Exception> NextErrorAsync() => _errors.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>Takes updates until one satisfies <paramref name="wanted"/> (a watch may deliver intermediate states).</summary>
    public async Task<ResolutionResult> UpdateWhereAsync(Func<ResolutionResult, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var update = await _updates.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
            if (wanted(update))
            {
                return update;
            }
        }
    }

    public bool HasUpdate => _updates.Reader.TryPeek(out _);

    public bool TryTakeError(out Exception? error) => _errors.Reader.TryRead(out error);
}

/// <summary>Keeps formatted log lines, so a test can see which path a resolver took.</summary>
internal sealed class RecordingLogger(ConcurrentQueue<string> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
