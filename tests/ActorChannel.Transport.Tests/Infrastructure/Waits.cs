namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>How the transport tests wait: on an event where there is one, and a bounded probe only where there is none.</summary>
internal static class Waits
{
    /// <summary>Completes when <paramref name="token"/> is cancelled: a script or handler that never answers waits so.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }

    /// <summary>
    /// For what only the OS or another library's own thread tells, with nothing to await: a descriptor closed, a
    /// handler that noticed a dead socket, Grpc.Net.Client disposing a finished call's response. Checks every few
    /// milliseconds until <paramref name="condition"/> holds or <paramref name="limit"/> has passed; says which.
    /// </summary>
    public static async Task<bool> ProbeUntilAsync(Func<ValueTask<bool>> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <inheritdoc cref="ProbeUntilAsync(Func{ValueTask{bool}}, TimeSpan)"/>
    public static Task<bool> ProbeUntilAsync(Func<bool> condition, TimeSpan limit) =>
        ProbeUntilAsync(() => ValueTask.FromResult(condition()), limit);
}
