using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace ActorChannel.Host.Server;

/// <summary>Knows the server's open connections so <see cref="RunningGreeterServer.AbortAsync"/> can drop them like a crash would.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, ConnectionContext> _open = new();

    public int Count => _open.Count;

    /// <summary>True once <see cref="AbortAll"/> ran: calls cut after that were not cancelled by their clients.</summary>
    public bool Aborted { get; private set; }

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        _open[connection.ConnectionId] = connection;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>Closes every socket at the transport level: no GOAWAY, calls in flight are cut.</summary>
    public void AbortAll()
    {
        Aborted = true;
        foreach (var connection in _open.Values)
        {
            connection.Abort(new ConnectionAbortedException("The server was aborted."));
        }
    }
}
