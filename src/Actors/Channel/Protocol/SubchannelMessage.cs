using ActorChannel.Transport;

namespace ActorChannel.Client.Protocol;

/// <summary>
/// What a subchannel actor (grpc-go's addrConn) is told. Messages about one connect attempt carry its
/// generation, so results, timers and events of an older attempt are recognised and dropped.
/// </summary>
internal abstract record SubchannelMessage
{
    private SubchannelMessage()
    {
    }

    /// <summary>IDLE → CONNECTING; ignored in any other state.</summary>
    public sealed record Connect : SubchannelMessage
    {
        public static readonly Connect Instance = new();

        private Connect()
        {
        }
    }

    /// <summary>Any → SHUTDOWN: the transport closes gracefully (calls in flight finish) and the actor stops.</summary>
    public sealed record Shutdown(string Reason) : SubchannelMessage;

    /// <summary>Completes <paramref name="Done"/> once every message told before it has been handled.</summary>
    public sealed record Sync(TaskCompletionSource Done) : SubchannelMessage;

    public sealed record ConnectFinished(int Generation, Exception? Error) : SubchannelMessage;

    public sealed record ConnectDeadline(int Generation) : SubchannelMessage;

    public sealed record BackoffEnded(int Generation) : SubchannelMessage;

    /// <summary>An event of the attempt's transport, told from a transport thread.</summary>
    public sealed record TransportEvent(int Generation, ConnectionEvent Event) : SubchannelMessage;
}
