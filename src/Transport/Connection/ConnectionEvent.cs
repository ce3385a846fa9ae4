namespace ActorChannel.Transport;

/// <summary>What happened to a connection, told to its owner in the order it happened.</summary>
public abstract record ConnectionEvent
{
    private ConnectionEvent()
    {
    }

    /// <summary>
    /// The socket (and TLS, if any, with the server certificate validated) is up; the HTTP/2 handshake
    /// follows. Not yet usable: <see cref="IClientTransport.ConnectAsync"/> is still running.
    /// </summary>
    public sealed record Connected : ConnectionEvent;

    /// <summary>
    /// The server's first SETTINGS frame arrived: the HTTP/2 handshake is done and the connection is usable
    /// (connection-backoff.md resets here). Raised once, after <see cref="Connected"/> and before
    /// <see cref="IClientTransport.ConnectAsync"/> completes; from then on the connection is watched even
    /// while idle, so its loss is reported without any call.
    /// </summary>
    public sealed record SettingsReceived : ConnectionEvent;

    /// <summary>The server sent GOAWAY: streams above <paramref name="LastStreamId"/> were not processed; no new calls go here.</summary>
    public sealed record GoAwayReceived(int LastStreamId, Http2ErrorCode ErrorCode, string DebugData) : ConnectionEvent;

    /// <summary>
    /// The connection is gone for good; raised once and last. Also raised when ConnectAsync fails after
    /// <see cref="Connected"/> (the handshake did not finish), with the same error ConnectAsync throws.
    /// </summary>
    public sealed record Closed(CloseReason Reason, Exception? Error) : ConnectionEvent;
}

public enum CloseReason
{
    /// <summary>The server closed the socket (EOF).</summary>
    EndOfStream,

    /// <summary>The socket failed (reset, I/O error, protocol error).</summary>
    Reset,

    /// <summary>A keepalive ping got no answer in time.</summary>
    KeepAliveTimeout,

    /// <summary>The owner closed it (Close or GracefulClose).</summary>
    LocalClose,
}

/// <summary>HTTP/2 error codes (RFC 9113 §7).</summary>
public enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    SettingsTimeout = 0x4,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
    CompressionError = 0x9,
    ConnectError = 0xa,
    EnhanceYourCalm = 0xb,
    InadequateSecurity = 0xc,
    Http11Required = 0xd,
}

public static class Http2ErrorCodeNames
{
    /// <summary>The RFC's name of the code ("REFUSED_STREAM"), or its hex value for codes the RFC does not define.</summary>
    public static string ToRfcName(this Http2ErrorCode code) => code switch
    {
        Http2ErrorCode.NoError => "NO_ERROR",
        Http2ErrorCode.ProtocolError => "PROTOCOL_ERROR",
        Http2ErrorCode.InternalError => "INTERNAL_ERROR",
        Http2ErrorCode.FlowControlError => "FLOW_CONTROL_ERROR",
        Http2ErrorCode.SettingsTimeout => "SETTINGS_TIMEOUT",
        Http2ErrorCode.StreamClosed => "STREAM_CLOSED",
        Http2ErrorCode.FrameSizeError => "FRAME_SIZE_ERROR",
        Http2ErrorCode.RefusedStream => "REFUSED_STREAM",
        Http2ErrorCode.Cancel => "CANCEL",
        Http2ErrorCode.CompressionError => "COMPRESSION_ERROR",
        Http2ErrorCode.ConnectError => "CONNECT_ERROR",
        Http2ErrorCode.EnhanceYourCalm => "ENHANCE_YOUR_CALM",
        Http2ErrorCode.InadequateSecurity => "INADEQUATE_SECURITY",
        Http2ErrorCode.Http11Required => "HTTP_1_1_REQUIRED",
        _ => $"0x{(uint)code:x}",
    };
}
