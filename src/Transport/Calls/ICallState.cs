namespace ActorChannel.Transport;

/// <summary>
/// What every call object shares, whichever kind it is: response headers, final status and trailers,
/// and cancellation. Implemented by the transport's stream and by the channel's deferred call.
/// </summary>
public interface ICallState
{
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status; throws InvalidOperationException while the call is still running.</summary>
    Status GetStatus();

    /// <summary>The trailers; throws InvalidOperationException while the call is still running.</summary>
    Metadata GetTrailers();

    /// <summary>Cancels the call if still running (an RST_STREAM CANCEL on the wire); idempotent.</summary>
    void Cancel();
}
