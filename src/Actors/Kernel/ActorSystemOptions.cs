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

    /// <summary>
    /// Experimental, off by default: a mailbox scheduled from a pool thread goes to that thread's local queue
    /// (LIFO for the owner, stolen by idle threads) instead of the global one. Measured about twice as fast
    /// with one message in flight per pair, at the cost of fairness towards work in the global queue.
    /// </summary>
    internal bool PreferLocalScheduling { get; init; }
}
