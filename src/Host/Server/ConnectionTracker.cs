using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace ActorChannel.Host.Server;

/// <summary>Knows the server's open connections so <see cref="RunningGreeterServer.AbortAsync"/> can drop them like a crash would.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, ConnectionContext> _open = new();
    private volatile bool _aborted;

    public int Count => _open.Count;

    /// <summary>True once <see cref="AbortAll"/> ran: calls cut after that were not cancelled by their clients.</summary>
    public bool Aborted => _aborted;

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        _open[connection.ConnectionId] = connection;

        // A crashed server serves nobody: a client that reconnects between AbortAll and the listener
        // closing must not get a working connection. Checked after registering, so that either AbortAll's
        // sweep or this check sees every connection.
        if (_aborted)
        {
            connection.Abort(new ConnectionAbortedException("The server was aborted."));
        }

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
        _aborted = true;
        foreach (var connection in _open.Values)
        {
            connection.Abort(new ConnectionAbortedException("The server was aborted."));
        }
    }
}
