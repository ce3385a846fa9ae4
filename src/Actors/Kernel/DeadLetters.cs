using Microsoft.Extensions.Logging;

namespace ActorChannel.Kernel;

/// <summary>Messages that reached no actor: counted, and logged at debug level.</summary>
internal sealed class DeadLetters(ILogger log)
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Publish(ActorCellBase target, object? message)
    {
        Interlocked.Increment(ref _count);
        if (log.IsEnabled(LogLevel.Debug))
        {
            KernelLog.DeadLetter(log, target.Path, message?.GetType().Name ?? "null", null);
        }
    }
}
