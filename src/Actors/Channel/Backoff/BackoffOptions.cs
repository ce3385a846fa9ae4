namespace ActorChannel.Client.Backoff;

/// <summary>Connection backoff (connection-backoff.md). Defaults are the spec's.</summary>
public sealed record BackoffOptions
{
    public static BackoffOptions Default { get; } = new();

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public double Multiplier { get; init; } = 1.6;

    /// <summary>Each delay is spread uniformly by ± this fraction of itself.</summary>
    public double Jitter { get; init; } = 0.2;

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The shortest time a connect attempt is given, whatever the current backoff.</summary>
    public TimeSpan MinConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Throws ArgumentException naming the bad setting. A zero backoff would make a reconnect storm, so it is refused,
    /// not clamped.
    /// </summary>
    public void Validate()
    {
        Positive(InitialBackoff, nameof(InitialBackoff));
        Positive(MaxBackoff, nameof(MaxBackoff));
        Positive(MinConnectTimeout, nameof(MinConnectTimeout));
        if (MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"Backoff.{nameof(MaxBackoff)} ({MaxBackoff}) must not be shorter than {nameof(InitialBackoff)} ({InitialBackoff}).", nameof(MaxBackoff));
        }

        if (!(Multiplier >= 1.0) || double.IsInfinity(Multiplier))
        {
            throw new ArgumentException($"Backoff.{nameof(Multiplier)} must be a finite number >= 1, got {Multiplier}.", nameof(Multiplier));
        }

        if (!(Jitter >= 0.0 && Jitter < 1.0))
        {
            throw new ArgumentException($"Backoff.{nameof(Jitter)} must be in [0, 1), got {Jitter}.", nameof(Jitter));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Backoff.{name} must be a positive, finite time span, got {value}.", name);
        }
    }
}
