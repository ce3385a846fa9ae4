using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Actors.Tests.Resolution.Servers;

/// <summary>
/// A loopback TCP forwarder in front of a server, so a test can cut a client off (every connection dropped, new ones
/// refused) while the server goes on, and let it back in on the same port. Counts the connections it accepted.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _upstream;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();
    private int _accepted;

    public TcpProxy(int upstreamPort)
    {
        _upstream = upstreamPort;
        Port = LoopbackPorts.Free();
        Open();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far (also those whose server end could not be reached).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public void Open()
    {
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _cut.Token);
    }

    /// <summary>Drops every connection and refuses new ones until <see cref="Open"/>.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open)
            {
                // A reset, not a graceful close: the client must see the connection die at once.
                client.Client?.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }

            _open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient downstream;
            try
            {
                downstream = await listener.AcceptTcpClientAsync(cut).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = ForwardAsync(downstream, cut);
        }
    }

    private async Task ForwardAsync(TcpClient downstream, CancellationToken cut)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(downstream);
            _open.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstream, cut).ConfigureAwait(false);
            var a = downstream.GetStream().CopyToAsync(upstream.GetStream(), cut);
            var b = upstream.GetStream().CopyToAsync(downstream.GetStream(), cut);
            await Task.WhenAny(a, b).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A cut or a closed side ends the pair; both go below.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(downstream);
                _open.Remove(upstream);
            }

            downstream.Dispose();
            upstream.Dispose();
        }
    }
}
