using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1:0 that runs a scripted conversation with each client, for feeding the
/// transport bad input. Helpers write just enough HTTP/2 (frames, literal HPACK) by hand. When a script
/// returns, the server keeps reading (and discarding) what the client sends until the client closes, so a
/// test can see that the transport released its socket (<see cref="RawConnection.Ended"/>).
/// </summary>
public sealed class RawServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, CancellationToken, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RawConnection> _connections = new();
    private readonly List<Task> _running = new();
    private readonly Task _acceptLoop;
    private readonly TaskCompletionSource<RawConnection> _firstAccepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RawServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Connections accepted so far (the transport must dial exactly one).</summary>
    public int Accepted
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>The accepted connections, in order.</summary>
    public IReadOnlyList<RawConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return _connections.ToArray();
            }
        }
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TransportAddress Address => TransportAddress.Tcp("127.0.0.1", Port);

    /// <summary>The first connection, once it has been accepted.</summary>
    public async Task<RawConnection> FirstConnectionAsync(TimeSpan timeout)
    {
        try
        {
            return await _firstAccepted.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No connection was accepted within {timeout}.");
        }
    }

    /// <summary>
    /// How many connections were accepted before now, counting every dial already made: a probe connection
    /// of ours goes into the listen backlog behind any earlier one, and the count is read once it is accepted.
    /// </summary>
    public Task<int> AcceptedBeforeAsync(TimeSpan timeout) =>
        AcceptBarrier.CountBeforeAsync(IPAddress.Loopback, Port, () => Connections.Select(c => c.Remote).ToList(), timeout);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Socket.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // The loop ends by the listener being stopped.
        }

        Task[] running;
        lock (_connections)
        {
            running = _running.ToArray();
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var connection = new RawConnection(socket);
            lock (_connections)
            {
                _connections.Add(connection);
                _running.Add(Task.Run(() => RunAsync(connection)));
            }

            _firstAccepted.TrySetResult(connection);
        }
    }

    private async Task RunAsync(RawConnection connection)
    {
        NetworkStream? stream = null;
        try
        {
            stream = new NetworkStream(connection.Socket, ownsSocket: true);
            await _script(stream, _stop.Token);

            // The script is done: read on, discarding, until the client closes its side.
            var buffer = new byte[16 * 1024];
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }

            connection.End(RawConnectionEnd.ClientClosed);
        }
        catch (EndOfStreamException)
        {
            connection.End(RawConnectionEnd.ClientClosed);
        }
        catch (IOException) when (!_stop.IsCancellationRequested)
        {
            connection.End(RawConnectionEnd.ClientReset);
        }
        catch (Exception)
        {
            // The script closed the socket itself, or the server is being disposed.
            connection.End(_stop.IsCancellationRequested ? RawConnectionEnd.ServerDisposed : RawConnectionEnd.ServerClosed);
        }
        finally
        {
            if (stream is null)
            {
                connection.Socket.Dispose();
            }
            else
            {
                await stream.DisposeAsync();
            }
        }
    }

    // ---- HTTP/2 by hand ----
    public const byte Data = 0x0, Headers = 0x1, Settings = 0x4, GoAway = 0x7;
    public const byte EndStream = 0x1, EndHeaders = 0x4;
    public const byte RstStream = 0x3, Ping = 0x6;

    /// <summary>
    /// Reads the client preface, sends the server's SETTINGS and ACK and waits for the request's HEADERS
    /// on stream 1 (answering before it would be a protocol error). What the client sends after that is
    /// read once the script returns.
    /// </summary>
    public static async Task HandshakeAsync(NetworkStream s, CancellationToken ct)
    {
        await SettingsAsync(s, ct);
        var header = new byte[9];
        while (true)
        {
            await s.ReadExactlyAsync(header, ct);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            await s.ReadExactlyAsync(new byte[length], ct);
            if (header[3] == Headers)
            {
                break;
            }
        }
    }

    /// <summary>A script that resets every request stream with <paramref name="code"/> as its HEADERS arrive.</summary>
    public static Func<NetworkStream, CancellationToken, Task> ResetEveryStream(Http2ErrorCode code) => async (s, ct) =>
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        await ServeFramesAsync(s, (type, stream) => type == Headers ? WriteFrameAsync(s, 0x3, 0, stream, payload, ct) : Task.CompletedTask, ct);
    };

    /// <summary>Reads the client preface and sends the server's (empty) SETTINGS and the ACK of the client's: the connection is up.</summary>
    public static async Task SettingsAsync(NetworkStream s, CancellationToken ct)
    {
        var preface = new byte[24];
        await s.ReadExactlyAsync(preface, ct);
        await WriteFrameAsync(s, Settings, 0, 0, [], ct);
        await WriteFrameAsync(s, Settings, 0x1, 0, [], ct);
    }

    /// <summary>Sends SETTINGS and ACK, then hands each client frame's type and stream id to <paramref name="onFrame"/>.</summary>
    public static async Task ServeFramesAsync(NetworkStream s, Func<byte, int, Task> onFrame, CancellationToken ct)
    {
        await SettingsAsync(s, ct);
        var header = new byte[9];
        while (true)
        {
            await s.ReadExactlyAsync(header, ct);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            await s.ReadExactlyAsync(new byte[length], ct);
            await onFrame(header[3], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF);
        }
    }

    /// <summary>One client frame as <see cref="ServeFramesAsync(NetworkStream, Func{RawFrame, Task}, CancellationToken)"/> hands it over.</summary>
    public readonly record struct RawFrame(byte Type, byte Flags, int StreamId, byte[] Payload)
    {
        public bool EndsStream => (Type is Data or Headers) && (Flags & EndStream) != 0;
    }

    /// <summary>Like the other overload, with each frame's flags and payload (for scripts that answer at a given point of a request body).</summary>
    /// <param name="settings">The server's SETTINGS (identifier, value), e.g. (0x3, 1) for at most one concurrent stream.</param>
    public static async Task ServeFramesAsync(NetworkStream s, Func<RawFrame, Task> onFrame, CancellationToken ct, params (ushort Id, uint Value)[] settings)
    {
        var preface = new byte[24];
        await s.ReadExactlyAsync(preface, ct);
        var payload0 = new byte[6 * settings.Length];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload0.AsSpan(6 * i), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload0.AsSpan(6 * i + 2), settings[i].Value);
        }

        await WriteFrameAsync(s, Settings, 0, 0, payload0, ct);
        await WriteFrameAsync(s, Settings, 0x1, 0, [], ct);
        var header = new byte[9];
        while (true)
        {
            await s.ReadExactlyAsync(header, ct);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[length];
            await s.ReadExactlyAsync(payload, ct);
            await onFrame(new RawFrame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF, payload));
        }
    }

    public static Task WriteFrameAsync(NetworkStream s, byte type, byte flags, int streamId, byte[] payload, CancellationToken ct)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return s.WriteAsync(frame, ct).AsTask();
    }

    /// <summary>A WINDOW_UPDATE granting <paramref name="increment"/> bytes on a stream (0: the connection).</summary>
    public static Task WindowUpdateAsync(NetworkStream s, int streamId, int increment, CancellationToken ct)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        return WriteFrameAsync(s, 0x8, 0, streamId, payload, ct);
    }

    /// <summary>An HPACK block: ":status 200" (static index 8) then literal headers without indexing.</summary>
    public static byte[] Hpack(bool status200, params (string Name, string Value)[] headers)
    {
        var ms = new MemoryStream();
        if (status200)
        {
            ms.WriteByte(0x88);
        }

        foreach (var (name, value) in headers)
        {
            ms.WriteByte(0x00);
            ms.WriteByte((byte)name.Length);
            ms.Write(Encoding.ASCII.GetBytes(name));
            ms.WriteByte((byte)value.Length);
            ms.Write(Encoding.ASCII.GetBytes(value));
        }

        return ms.ToArray();
    }

    /// <summary>The response headers of stream 1: 200 with content-type application/grpc.</summary>
    public static Task GrpcHeadersAsync(NetworkStream s, CancellationToken ct) =>
        WriteFrameAsync(s, Headers, EndHeaders, 1, Hpack(true, ("content-type", "application/grpc")), ct);

    /// <summary>The response headers of a given stream: 200 with content-type application/grpc.</summary>
    public static Task GrpcHeadersAsync(NetworkStream s, int streamId, CancellationToken ct) =>
        WriteFrameAsync(s, Headers, EndHeaders, streamId, Hpack(true, ("content-type", "application/grpc")), ct);
}

/// <summary>How a <see cref="RawServer"/> connection ended, as the server saw it.</summary>
public enum RawConnectionEnd
{
    /// <summary>The client closed its side (EOF).</summary>
    ClientClosed,

    /// <summary>The client's side went away with a reset.</summary>
    ClientReset,

    /// <summary>The script closed the connection itself.</summary>
    ServerClosed,

    /// <summary>The server was disposed with the connection still open.</summary>
    ServerDisposed,
}

/// <summary>One connection a <see cref="RawServer"/> accepted.</summary>
public sealed class RawConnection(Socket socket)
{
    private readonly TaskCompletionSource<RawConnectionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Socket Socket { get; } = socket;

    public EndPoint? Remote { get; } = socket.RemoteEndPoint;

    /// <summary>Completes when the connection is over: the client closed or reset it, or the server closed it.</summary>
    public Task<RawConnectionEnd> Ended => _ended.Task;

    internal void End(RawConnectionEnd how) => _ended.TrySetResult(how);
}
