namespace ActorChannel.Transport;

/// <summary>How HTTP and HTTP/2 outcomes become gRPC status codes (http-grpc-status-mapping.md, grpc-go's RST_STREAM table).</summary>
public static class StatusMapping
{
    /// <summary>The code for a response without a gRPC content-type, from its HTTP status.</summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        431 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    /// <summary>
    /// The code for a stream the server reset. FLOW_CONTROL_ERROR follows the spec (INTERNAL), not
    /// grpc-go (RESOURCE_EXHAUSTED). CANCEL after the call's deadline passed reads as DEADLINE_EXCEEDED.
    /// </summary>
    public static StatusCode FromRstStream(Http2ErrorCode code, bool deadlinePassed = false) => code switch
    {
        Http2ErrorCode.RefusedStream => StatusCode.Unavailable,
        Http2ErrorCode.Cancel => deadlinePassed ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
        Http2ErrorCode.EnhanceYourCalm => StatusCode.ResourceExhausted,
        Http2ErrorCode.InadequateSecurity => StatusCode.PermissionDenied,

        // Spec (PROTOCOL-HTTP2) over issue 3's "as grpc-go does": the project follows the spec unless a note says why not, and none does.
        Http2ErrorCode.FlowControlError => StatusCode.Internal,
        _ => StatusCode.Internal,
    };

    /// <summary>True when a reset with this code proves the server never processed the stream (transparent retry is safe).</summary>
    public static bool IsNotProcessed(Http2ErrorCode code) => code == Http2ErrorCode.RefusedStream;

    /// <summary>A status for a reset stream, its detail naming the HTTP/2 error code.</summary>
    public static Status StatusForRstStream(Http2ErrorCode code, bool deadlinePassed = false) =>
        new(FromRstStream(code, deadlinePassed), $"Stream reset by the server with HTTP/2 error code {Name(code)} (0x{(uint)code:x}).");

    /// <summary>A status for a non-gRPC response, its detail naming the HTTP status and content-type.</summary>
    public static Status StatusForHttpResponse(int httpStatus, string? contentType)
    {
        var type = string.IsNullOrEmpty(contentType) ? "no content-type" : $"content-type '{contentType}'";
        var detail = httpStatus == 200
            ? $"Bad gRPC response: HTTP status 200 with {type}, not application/grpc."
            : $"Bad gRPC response: HTTP status {httpStatus} ({type}).";
        return new Status(FromHttpStatus(httpStatus), detail);
    }

    /// <summary>Parses a grpc-status header value; null when it is missing or not a number in 0..16 (callers map that to UNKNOWN).</summary>
    public static StatusCode? ParseGrpcStatus(string? value)
    {
        if (value is null || value.Length is 0 or > 2)
        {
            return null;
        }

        var n = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }

            n = (n * 10) + (c - '0');
        }

        // Codes above 16 are legal on the wire but unknown to us: report them as UNKNOWN per statuscodes.md.
        return n <= 16 ? (StatusCode)n : StatusCode.Unknown;
    }

    private static string Name(Http2ErrorCode code) => code switch
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
        _ => "UNKNOWN",
    };

    /// <summary>The RFC 9113 name of an HTTP/2 error code, e.g. "REFUSED_STREAM".</summary>
    public static string Http2ErrorName(Http2ErrorCode code) => Name(code);
}
