namespace ActorChannel.Transport;

/// <summary>Per-call settings. <see cref="Deadline"/> is absolute UTC, read against the channel's TimeProvider.</summary>
public readonly record struct CallOptions
{
    public Metadata? Headers { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Wait for a READY subchannel instead of failing fast while the channel is in TRANSIENT_FAILURE (wait-for-ready.md).</summary>
    public bool WaitForReady { get; init; }

    /// <summary>Request compression: null for none, or "gzip".</summary>
    public string? Compression { get; init; }

    public CallCredentials? Credentials { get; init; }

    public CallOptions WithDeadline(DateTimeOffset deadline) => this with { Deadline = deadline };

    public CallOptions WithWaitForReady(bool waitForReady = true) => this with { WaitForReady = waitForReady };
}
