using System.Buffers.Binary;
using System.Text;

namespace ActorChannel.Transport;

/// <summary>What the frame parser noticed in the server's byte stream.</summary>
internal interface IHttp2FrameSink
{
    void OnSettings();

    /// <summary>Some bytes arrived (keepalive bookkeeping); called on every non-empty read.</summary>
    void OnBytesRead();

    void OnGoAway(int lastStreamId, Http2ErrorCode errorCode, string debugData);

    /// <summary>The bytes are not HTTP/2 (the first frame was not SETTINGS on stream 0).</summary>
    void OnNotHttp2(string why);
}

/// <summary>
/// Follows HTTP/2 frame boundaries in the server-to-client byte stream, looking only at the 9-byte
/// frame headers. Payloads are skipped, never copied, except the few bytes of a GOAWAY, which is
/// rare and whose payload the owner needs. Bytes may arrive split anywhere.
/// </summary>
internal sealed class Http2FrameParser(IHttp2FrameSink sink)
{
    private const int FrameHeaderSize = 9;
    private const byte TypeSettings = 0x4;
    private const byte TypeGoAway = 0x7;
    private const byte FlagAck = 0x1;
    private const int MaxDebugDataCaptured = 1024;

    private readonly byte[] _header = new byte[FrameHeaderSize];
    private int _headerFill;
    private long _payloadRemaining;
    private byte[]? _capture;
    private int _captureFill;
    private bool _sawFirstFrame;
    private bool _settingsReported;
    private bool _stopped;

    public void OnBytes(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_stopped)
        {
            if (_payloadRemaining > 0)
            {
                var n = (int)Math.Min(_payloadRemaining, data.Length);
                if (_capture is not null && _captureFill < _capture.Length)
                {
                    var c = Math.Min(n, _capture.Length - _captureFill);
                    data[..c].CopyTo(_capture.AsSpan(_captureFill));
                    _captureFill += c;
                }

                _payloadRemaining -= n;
                data = data[n..];
                if (_payloadRemaining == 0)
                {
                    EndFrame();
                }

                continue;
            }

            var take = Math.Min(FrameHeaderSize - _headerFill, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            data = data[take..];
            if (_headerFill == FrameHeaderSize)
            {
                _headerFill = 0;
                StartFrame();
            }
        }
    }

    private void StartFrame()
    {
        var length = (_header[0] << 16) | (_header[1] << 8) | _header[2];
        var type = _header[3];
        var flags = _header[4];
        var streamId = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(5)) & 0x7FFFFFFF;

        if (!_sawFirstFrame)
        {
            _sawFirstFrame = true;
            if (type != TypeSettings || streamId != 0 || (flags & FlagAck) != 0)
            {
                _stopped = true;
                sink.OnNotHttp2($"the server's first bytes are not an HTTP/2 SETTINGS frame (got {Describe(_header)})");
                return;
            }
        }

        if (type == TypeSettings && (flags & FlagAck) == 0 && !_settingsReported)
        {
            _settingsReported = true;
            sink.OnSettings();
        }

        _capture = type == TypeGoAway ? new byte[Math.Min(length, 8 + MaxDebugDataCaptured)] : null;
        _captureFill = 0;
        _payloadRemaining = length;
        if (length == 0)
        {
            EndFrame();
        }
    }

    private void EndFrame()
    {
        if (_capture is { Length: >= 8 } goAway)
        {
            var lastStreamId = BinaryPrimitives.ReadInt32BigEndian(goAway) & 0x7FFFFFFF;
            var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAway.AsSpan(4));
            var debug = Encoding.UTF8.GetString(goAway, 8, _captureFill - 8);
            sink.OnGoAway(lastStreamId, code, debug);
        }

        _capture = null;
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var printable = true;
        foreach (var b in bytes)
        {
            printable &= b is >= 0x20 and < 0x7F;
        }

        return printable ? $"\"{Encoding.ASCII.GetString(bytes)}\"" : Convert.ToHexString(bytes);
    }
}
