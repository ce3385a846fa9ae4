namespace ActorChannel.Transport;

/// <summary>The outcome of a call: a code and a human-readable detail (the decoded grpc-message).</summary>
public readonly record struct Status(StatusCode Code, string Detail)
{
    public static readonly Status Ok = new(StatusCode.OK, "");

    /// <summary>The local exception behind a status the client made itself (never sent on the wire).</summary>
    public Exception? DebugException { get; init; }

    public override string ToString() =>
        DebugException is null ? $"Status({Code}, \"{Detail}\")" : $"Status({Code}, \"{Detail}\", {DebugException.GetType().Name}: {DebugException.Message})";
}
