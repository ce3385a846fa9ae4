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
    /// On by default: a mailbox scheduled from a pool thread goes to that thread's local queue (stolen by idle
    /// threads), as task continuations do, instead of the global queue. On a quiet 2-vCPU machine this made
    /// one-message-in-flight ping-pong 2.3x faster (17 vs 7.2 M msg/s) and many-in-flight no slower
    /// (docs/benchmarks.md). Off restores global-queue scheduling, fairer to work queued from outside the pool.
    /// </summary>
    internal bool PreferLocalScheduling { get; init; } = true;
}
