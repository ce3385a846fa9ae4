using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Tests.Infrastructure;

/// <summary>Keeps every rendered log message, so a test can check what reached the host's ILoggerFactory.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages.ToArray();

    public ILogger CreateLogger(string categoryName) => new Capturing(_messages, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capturing(ConcurrentQueue<string> messages, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue($"{category}: {formatter(state, exception)}");
    }
}
