using ActorChannel.Transport;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>What a handler knows of its call and what it may add to the response.</summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(string method, string peer, Metadata requestHeaders, DateTimeOffset? deadline, CancellationToken cancellationToken, TimeProvider timeProvider)
    {
        Method = method;
        Peer = peer;
        RequestHeaders = requestHeaders;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        TimeProvider = timeProvider;
    }

    /// <summary>The :path, e.g. "/helloworld.Greeter/SayHello".</summary>
    public string Method { get; }

    /// <summary>The client's address, "ip:port".</summary>
    public string Peer { get; }

    public Metadata RequestHeaders { get; }

    /// <summary>From the client's grpc-timeout, read against <see cref="TimeProvider"/>; null without one.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Fires when the deadline passes, the client cancels, or the server aborts.</summary>
    public CancellationToken CancellationToken { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The request's grpc-encoding ("gzip"), or null when its messages are not compressed.</summary>
    public string? RequestEncoding { get; init; }

    /// <summary>Sent with the first response message, or in the Trailers-Only response; add to it before then.</summary>
    public Metadata ResponseHeaders { get; } = new();

    /// <summary>Sent after the last message, beside grpc-status.</summary>
    public Metadata ResponseTrailers { get; } = new();
}

/// <summary>Writes response messages of a streaming call; one write at a time.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

public delegate Task<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, ServerCallContext context);

public delegate Task ServerStreamingHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responses, ServerCallContext context);

public delegate Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requests, ServerCallContext context);

public delegate Task DuplexStreamingHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context);
