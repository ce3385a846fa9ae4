namespace ActorChannel.Transport;

/// <summary>A call ended with a non-OK status.</summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status, Metadata? trailers = null, bool notProcessed = false)
        : base($"Status(StatusCode=\"{status.Code}\", Detail=\"{status.Detail}\")", status.DebugException)
    {
        Status = status;
        Trailers = trailers ?? Metadata.Empty;
        NotProcessed = notProcessed;
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.Code;

    public Metadata Trailers { get; }

    /// <summary>
    /// True when the server cannot have seen the call (never sent, REFUSED_STREAM, above a GOAWAY's
    /// last stream id): the channel may retry it transparently on another pick.
    /// </summary>
    public bool NotProcessed { get; }
}
