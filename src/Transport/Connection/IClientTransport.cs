using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>
/// One HTTP/2 connection to one address, owned by one subchannel. It never dials a second socket
/// by itself: once the connection is gone, calls fail fast with UNAVAILABLE, not processed
/// (<see cref="CallFailures.NotProcessed"/>), and the owner decides when to make a new transport.
/// </summary>
public interface IClientTransport : IAsyncDisposable
{
    TransportAddress Address { get; }

    /// <summary>Calls on this connection only, with the connection's message limits.</summary>
    CallInvoker Invoker { get; }

    /// <summary>Calls on this connection with smaller message limits (a method config's); the smaller of each pair wins.</summary>
    CallInvoker InvokerFor(int? maxSendMessageSize, int? maxReceiveMessageSize) => Invoker;

    /// <summary>
    /// Sends a call that another connection never processed and moved here (<see cref="TransportOptions.Reroute"/>).
    /// A transport that wraps another forwards it; one that cannot take an HTTP request returns null, and the call fails
    /// as it did on the connection it came from.
    /// </summary>
    Task<HttpResponseMessage>? SendMovedAsync(HttpRequestMessage request, CancellationToken cancellationToken) => null;

    /// <summary>Calls started and not yet finished.</summary>
    int ActiveCalls { get; }

    /// <summary>
    /// Dials the socket (and TLS) and does the HTTP/2 handshake. Completes when the connection is usable,
    /// i.e. after the server's first SETTINGS frame (<see cref="ConnectionEvent.Connected"/> then
    /// <see cref="ConnectionEvent.SettingsReceived"/> have been raised); throws <see cref="TransportConnectException"/>
    /// on failure (a server that does not speak HTTP/2 or closes first fails at once) or when
    /// <paramref name="cancellationToken"/> (the connect deadline, which the owner controls) fires, e.g. for a
    /// server that accepts TCP and never sends SETTINGS.
    /// </summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>No new calls; calls in flight finish; then the socket closes (Closed with LocalClose).</summary>
    void GracefulClose();

    /// <summary>Every call in flight fails with UNAVAILABLE and the socket is released.</summary>
    ValueTask CloseAsync();
}

/// <summary>Makes transports; the channel's only way to the network, so tests can put a fake behind it.</summary>
public interface IClientTransportFactory
{
    /// <param name="observer">Told of every <see cref="ConnectionEvent"/> of the new transport, from transport threads.</param>
    IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer);
}

/// <summary>A connect attempt failed. <see cref="IsTemporary"/> is false for errors retrying will not fix (e.g. a certificate the client rejects).</summary>
public sealed class TransportConnectException : Exception
{
    public TransportConnectException(string message, Exception? inner = null, bool isTemporary = true)
        : base(message, inner)
    {
        IsTemporary = isTemporary;
    }

    public bool IsTemporary { get; }
}
