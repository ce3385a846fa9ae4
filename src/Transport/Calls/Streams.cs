namespace ActorChannel.Transport;

/// <summary>Reads response messages one by one; <see cref="MoveNextAsync"/> returns false at a clean end and throws <see cref="RpcException"/> otherwise.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default);
}

/// <summary>Writes request messages; one write at a time. <see cref="CompleteAsync"/> half-closes the request.</summary>
public interface IClientStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    Task CompleteAsync();
}

public static class AsyncStreamReaderExtensions
{
    /// <summary>Enumerates the responses with <c>await foreach</c>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
