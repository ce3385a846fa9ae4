namespace ActorChannel.Host.Tests.Infrastructure;

/// <summary>For what only a real socket tells, with no event to await (the server noticing a closed connection).</summary>
public static class RealNetwork
{
    /// <summary>Checks <paramref name="condition"/> every few milliseconds until it holds; throws TimeoutException after <paramref name="deadline"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {deadline}: {what}.");
            }
        }
    }
}
