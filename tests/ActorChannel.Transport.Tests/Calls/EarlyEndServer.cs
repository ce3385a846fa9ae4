using System.Net.Sockets;
using ActorChannel.Transport.Tests.Infrastructure;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>How <see cref="EarlyEndServer"/> ends stream 1 while the client's request body is open.</summary>
public enum EarlyEnding
{
    /// <summary>HEADERS with grpc-status 12 and END_STREAM, nothing after.</summary>
    TrailersOnly,

    /// <summary>HEADERS, one message, trailers grpc-status 0 with END_STREAM, nothing after.</summary>
    MessageThenTrailers,

    /// <summary>As <see cref="TrailersOnly"/>, then RST_STREAM(NO_ERROR).</summary>
    TrailersOnlyThenReset,

    /// <summary>As <see cref="MessageThenTrailers"/>, then RST_STREAM(NO_ERROR) (what Kestrel and grpc-go do).</summary>
    MessageThenTrailersThenReset,
}

/// <summary>
/// Answers stream 1 as the <see cref="EarlyEnding"/> says once its first message arrived, and every
/// later stream as a unary echo of "after" once its request ended. Allows one concurrent stream.
/// </summary>
internal sealed class EarlyEndServer : IAsyncDisposable
{
    private readonly TaskCompletionSource<(byte Type, uint ErrorCode)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answerSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EarlyEndServer(EarlyEnding ending)
    {
        var answered = false;
        Raw = new RawServer(async (s, ct) => await RawServer.ServeFramesAsync(
            s,
            async frame =>
            {
                if (frame.Type == RawServer.Data && frame.Payload.Length > 0)
                {
                    // Connection-level credit only (as any server gives back for what it read): the
                    // stream's own window is never extended, so a large write stays blocked on it.
                    await RawServer.WindowUpdateAsync(s, 0, frame.Payload.Length, ct);
                }

                if (frame.StreamId == 1 && frame.Type == RawServer.Data && !answered)
                {
                    answered = true;
                    await AnswerAsync(s, ending, ct);

                    // The client handles frames in order: its PING ACK means it has seen the whole answer.
                    await RawServer.WriteFrameAsync(s, RawServer.Ping, 0, 0, new byte[8], ct);
                }
                else if (frame.Type == RawServer.Ping && (frame.Flags & 0x1) != 0)
                {
                    _answerSeen.TrySetResult();
                }
                else if (frame.StreamId == 1 && answered && (frame.EndsStream || frame.Type == RawServer.RstStream))
                {
                    _closed.TrySetResult((frame.Type, frame.Type == RawServer.RstStream ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) : 0));
                }
                else if (frame.StreamId > 1 && frame.EndsStream)
                {
                    await RawServer.GrpcHeadersAsync(s, frame.StreamId, ct);
                    await RawServer.WriteFrameAsync(s, RawServer.Data, 0, frame.StreamId, GrpcWire.Frame("after"u8), ct);
                    await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, frame.StreamId, RawServer.Hpack(false, ("grpc-status", "0")), ct);
                }
            },
            ct,
            (0x3, 1)));
    }

    public RawServer Raw { get; }

    /// <summary>The client's handler has processed every frame of the answer to stream 1.</summary>
    public Task AnswerSeenByClient => _answerSeen.Task;

    /// <summary>How the client closed its side of stream 1: DATA with END_STREAM, or RST_STREAM (with its error code).</summary>
    public Task<(byte Type, uint ErrorCode)> FirstStreamClosedByClient => _closed.Task;

    public ValueTask DisposeAsync() => Raw.DisposeAsync();

    private static async Task AnswerAsync(NetworkStream s, EarlyEnding ending, CancellationToken ct)
    {
        if (ending is EarlyEnding.TrailersOnly or EarlyEnding.TrailersOnlyThenReset)
        {
            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(true, ("content-type", "application/grpc"), ("grpc-status", "12")), ct);
        }
        else
        {
            await RawServer.GrpcHeadersAsync(s, ct);
            await RawServer.WriteFrameAsync(s, RawServer.Data, 0, 1, GrpcWire.Frame("reply"u8), ct);
            await RawServer.WriteFrameAsync(s, RawServer.Headers, RawServer.EndHeaders | RawServer.EndStream, 1, RawServer.Hpack(false, ("grpc-status", "0")), ct);
        }

        if (ending is EarlyEnding.TrailersOnlyThenReset or EarlyEnding.MessageThenTrailersThenReset)
        {
            await RawServer.WriteFrameAsync(s, RawServer.RstStream, 0, 1, new byte[4], ct);
        }
    }
}
