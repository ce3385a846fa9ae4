using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1:0 that runs a scripted conversation with each client, for feeding the
/// transport bad input. Helpers write just enough HTTP/2 (frames, literal HPACK) by hand.
/// </summary>
public sealed class RawServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, CancellationToken, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _clients = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    public RawServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Connections accepted so far (the transport must dial exactly one).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public TransportAddress Address => TransportAddress.Tcp("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var c in _clients)
            {
                c.Dispose();
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

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            lock (_clients)
            {
                _clients.Add(socket);
            }

            _ = Task.Run(async () =>
            {
                using var stream = new NetworkStream(socket, ownsSocket: true);
                try
                {
                    await _script(stream, _stop.Token);
                }
                catch (Exception)
                {
                    // The client going away mid-script is part of what these tests do.
                }
            });
        }
    }

    // ---- HTTP/2 by hand ----
    public const byte Data = 0x0, Headers = 0x1, Settings = 0x4, GoAway = 0x7;
    public const byte EndStream = 0x1, EndHeaders = 0x4;
    public const byte RstStream = 0x3, Ping = 0x6;

    /// <summary>
    /// Reads the client preface, sends the server's SETTINGS and ACK, waits for the request's HEADERS
    /// on stream 1 (answering before it would be a protocol error), then drains the rest in the background.
    /// </summary>
    public static async Task HandshakeAsync(NetworkStream s, CancellationToken ct)
    {
        var preface = new byte[24];
        await s.ReadExactlyAsync(preface, ct);
        await WriteFrameAsync(s, Settings, 0, 0, [], ct);
        await WriteFrameAsync(s, Settings, 0x1, 0, [], ct);
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

        _ = DrainAsync(s, ct);
    }

    /// <summary>Sends SETTINGS and ACK, then hands each client frame's type and stream id to <paramref name="onFrame"/>.</summary>
    public static async Task ServeFramesAsync(NetworkStream s, Func<byte, int, Task> onFrame, CancellationToken ct)
    {
        var preface = new byte[24];
        await s.ReadExactlyAsync(preface, ct);
        await WriteFrameAsync(s, Settings, 0, 0, [], ct);
        await WriteFrameAsync(s, Settings, 0x1, 0, [], ct);
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

    private static async Task DrainAsync(NetworkStream s, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await s.ReadAsync(buffer, ct) > 0)
            {
            }
        }
        catch (Exception)
        {
            // Closed by the script or the client.
        }
    }
}
