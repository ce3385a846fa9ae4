namespace ActorChannel.Transport;

/// <summary>Makes <see cref="HttpClientTransport"/>s: real HTTP/2 connections over SocketsHttpHandler.</summary>
public sealed class HttpClientTransportFactory : IClientTransportFactory
{
    public static HttpClientTransportFactory Instance { get; } = new();

    public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer) =>
        new HttpClientTransport(address, options, observer);
}
