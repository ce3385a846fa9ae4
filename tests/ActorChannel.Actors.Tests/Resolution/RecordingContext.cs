using System.Collections.Concurrent;
using ActorChannel.Resolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Actors.Tests.Resolution;

/// <summary>A ResolverContext that records what a resolver pushes.</summary>
internal sealed class RecordingContext
{
    public RecordingContext(TimeProvider? timeProvider = null)
    {
        Context = new ResolverContext(timeProvider ?? TimeProvider.System, NullLogger.Instance, Updates.Enqueue, Errors.Enqueue);
    }

    public ResolverContext Context { get; }

    public ConcurrentQueue<ResolutionResult> Updates { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();
}
