namespace ActorChannel.Resolution.Etcd;

/// <summary>How the etcd resolver retries a lost watch and how long one request may take.</summary>
public sealed record EtcdResolverOptions
{
    /// <summary>The first wait before reconnecting a lost watch; it doubles on each failure in a row.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two reconnection attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a read of the prefix may take before it fails.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal TimeSpan Backoff(int failures)
    {
        var delay = InitialBackoff * Math.Pow(2, Math.Min(failures, 20));
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
    }
}
