using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Kernel;

/// <summary>Settings of an <see cref="ActorSystem"/>.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>The only clock the kernel reads: timers, Ask timeouts and restart windows.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Messages one mailbox processes per thread-pool run before yielding the thread.</summary>
    public int Throughput { get; init; } = 30;
}
