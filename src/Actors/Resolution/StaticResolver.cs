namespace ActorChannel.Resolution;

/// <summary>A resolver whose answer was fixed when the target was parsed (passthrough, ip lists, unix, IP literals).</summary>
internal sealed class StaticResolver(ResolutionResult result) : IResolver
{
    public TimeSpan MinResolveInterval => TimeSpan.Zero;

    public Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<ResolutionResult>(cancellationToken) : Task.FromResult(result);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
