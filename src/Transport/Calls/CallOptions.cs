namespace ActorChannel.Transport;

/// <summary>Per-call settings. <see cref="Deadline"/> is absolute UTC, read against the channel's TimeProvider.</summary>
public readonly record struct CallOptions
{
    private readonly int? _maxSendMessageSize;
    private readonly int? _maxReceiveMessageSize;

    public Metadata? Headers { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Wait for a READY subchannel instead of failing fast while the channel is in TRANSIENT_FAILURE (wait-for-ready.md).</summary>
    public bool WaitForReady { get; init; }

    /// <summary>Request compression: null for none, or "gzip".</summary>
    public string? Compression { get; init; }

    public CallCredentials? Credentials { get; init; }

    /// <summary>
    /// Largest request message (serialized, before compression) this call may send, in bytes; null for none of
    /// its own. The call's limit is the smaller of this and the transport's
    /// <see cref="TransportOptions.MaxSendMessageSize"/> (either alone when only one is set), so a per-call value
    /// can only lower the transport's limit, never raise it. A larger message ends the call with
    /// RESOURCE_EXHAUSTED before anything of it is sent. A channel sets it from the service config's
    /// <c>maxRequestMessageBytes</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value (a programming error, so it fails where it is made, not in the call).</exception>
    public int? MaxSendMessageSize
    {
        get => _maxSendMessageSize;
        init => _maxSendMessageSize = NotNegative(value, nameof(MaxSendMessageSize));
    }

    /// <summary>
    /// Largest response message (after decompression) this call accepts, in bytes; null for none of its own. The
    /// call's limit is the smaller of this and the transport's <see cref="TransportOptions.MaxReceiveMessageSize"/>
    /// (either alone when only one is set), so a per-call value can only lower the transport's limit (4 MiB by
    /// default), never raise it. A larger message ends the call with RESOURCE_EXHAUSTED and resets its stream. A
    /// channel sets it from the service config's <c>maxResponseMessageBytes</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int? MaxReceiveMessageSize
    {
        get => _maxReceiveMessageSize;
        init => _maxReceiveMessageSize = NotNegative(value, nameof(MaxReceiveMessageSize));
    }

    public CallOptions WithDeadline(DateTimeOffset deadline) => this with { Deadline = deadline };

    public CallOptions WithWaitForReady(bool waitForReady = true) => this with { WaitForReady = waitForReady };

    /// <summary>The limit a call works with: the smaller of its own and the transport's, either alone when only one is set, null for none.</summary>
    internal static int? EffectiveLimit(int? perCall, int? transport) =>
        perCall is { } call ? (transport is { } t && t < call ? t : call) : transport;

    private static int? NotNegative(int? value, string name) =>
        value is < 0
            ? throw new ArgumentOutOfRangeException(name, value, $"CallOptions.{name} must not be negative (null means no per-call limit).")
            : value;
}
