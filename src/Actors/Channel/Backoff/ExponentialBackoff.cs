namespace ActorChannel.Client.Backoff;

/// <summary>
/// grpc-go's form of connection-backoff.md: delay(n) = min(initial·multiplierⁿ, max)·(1 + jitter·U(−1, 1)),
/// where n counts the failed passes since the last success.
/// </summary>
public sealed class ExponentialBackoff
{
    private readonly BackoffOptions _options;
    private readonly Func<double> _random;

    /// <param name="random">Uniform in [0, 1); injectable so tests can pin each jitter.</param>
    public ExponentialBackoff(BackoffOptions options, Func<double>? random = null)
    {
        options.Validate();
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
    }

    public BackoffOptions Options => _options;

    /// <summary>The delay before retry number <paramref name="retries"/> (0 = after the first failure since success).</summary>
    public TimeSpan Delay(int retries)
    {
        // The first retry waits exactly INITIAL_BACKOFF (connection-backoff.md, grpc-go); jitter starts after it.
        return retries == 0 ? Unjittered(0) : Jittered(Unjittered(retries));
    }

    /// <summary>The delay without jitter: the middle of the range Delay may return.</summary>
    public TimeSpan Unjittered(int retries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        double seconds = _options.InitialBackoff.TotalSeconds;
        double max = _options.MaxBackoff.TotalSeconds;
        for (int i = 0; i < retries && seconds < max; i++)
        {
            seconds *= _options.Multiplier;
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, max));
    }

    /// <summary>The connect deadline of an attempt whose backoff is <paramref name="backoff"/>: never below the minimum connect timeout.</summary>
    public TimeSpan ConnectTimeout(TimeSpan backoff) =>
        backoff > _options.MinConnectTimeout ? backoff : _options.MinConnectTimeout;

    private TimeSpan Jittered(TimeSpan delay)
    {
        double factor = 1 + (_options.Jitter * ((_random() * 2) - 1));
        var result = TimeSpan.FromTicks((long)(delay.Ticks * factor));
        return result > TimeSpan.Zero ? result : TimeSpan.FromTicks(1);
    }
}
