using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

public class Http2FrameParserTests
{
    private sealed class Sink : IHttp2FrameSink
    {
        public List<string> Seen { get; } = new();

        public void OnSettings() => Seen.Add("settings");

        public void OnBytesRead()
        {
        }

        public void OnGoAway(int lastStreamId, Http2ErrorCode errorCode, string debugData) => Seen.Add($"goaway {lastStreamId} {errorCode} {debugData}");

        public void OnNotHttp2(string why) => Seen.Add("not-h2 " + why);
    }

    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload)
    {
        var f = new byte[9 + payload.Length];
        f[0] = (byte)(payload.Length >> 16);
        f[1] = (byte)(payload.Length >> 8);
        f[2] = (byte)payload.Length;
        f[3] = type;
        f[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(5), stream);
        payload.CopyTo(f, 9);
        return f;
    }

    private static byte[] GoAway(int last, uint code, string debug)
    {
        var p = new byte[8 + debug.Length];
        BinaryPrimitives.WriteInt32BigEndian(p, last);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), code);
        Encoding.ASCII.GetBytes(debug).CopyTo(p, 8);
        return Frame(7, 0, 0, p);
    }

    private static readonly byte[] Conversation =
    [
        .. Frame(4, 0, 0, new byte[12]),          // SETTINGS with two parameters
        .. Frame(4, 1, 0, []),                    // SETTINGS ACK
        .. Frame(1, 4, 1, new byte[30]),          // HEADERS
        .. Frame(0, 0, 1, new byte[70_000 % 16384]),
        .. Frame(4, 0, 0, new byte[6]),           // a later SETTINGS is not reported again
        .. GoAway(int.MaxValue, 0, ""),
        .. Frame(6, 0, 0, new byte[8]),           // PING
        .. GoAway(5, 0xb, "too_many_pings"),
    ];

    private static readonly string[] Expected = ["settings", $"goaway {int.MaxValue} NoError ", "goaway 5 EnhanceYourCalm too_many_pings"];

    [Fact]
    public void Reports_settings_once_and_every_goaway()
    {
        var sink = new Sink();
        new Http2FrameParser(sink).OnBytes(Conversation);
        Assert.Equal(Expected, sink.Seen);
    }

    [Fact]
    public void Any_split_of_the_bytes_gives_the_same_events()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 300; trial++)
        {
            var sink = new Sink();
            var parser = new Http2FrameParser(sink);
            var at = 0;
            while (at < Conversation.Length)
            {
                var n = Math.Min(Conversation.Length - at, rng.Next(1, trial % 3 == 0 ? 4 : 200));
                parser.OnBytes(Conversation.AsSpan(at, n));
                at += n;
            }

            Assert.Equal(Expected, sink.Seen);
        }
    }

    [Fact]
    public void Non_http2_first_bytes_are_reported_and_parsing_stops()
    {
        var sink = new Sink();
        var parser = new Http2FrameParser(sink);
        parser.OnBytes("HTTP/1.1 400 Bad Request\r\n\r\n"u8);
        parser.OnBytes(Conversation);
        var only = Assert.Single(sink.Seen);
        Assert.Contains("\"HTTP/1.1 \"", only);
    }

    [Fact]
    public async Task Zero_length_reads_are_not_end_of_stream()
    {
        var sink = new Sink();
        var ends = new List<StreamEnd>();
        var inner = new MemoryStream(Frame(4, 0, 0, []));
        using var stream = new Http2FrameObserverStream(inner, sink, (how, _) => ends.Add(how));
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Empty(ends);
        var buffer = new byte[64];
        Assert.Equal(9, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Empty(ends);
        Assert.Equal(0, await stream.ReadAsync(buffer));
        Assert.Equal([StreamEnd.EndOfStream], ends);
        Assert.Equal(["settings"], sink.Seen);
    }
}
