using Google.Protobuf;

namespace ActorChannel.Transport;

/// <summary>Turns a message into bytes and back.</summary>
public sealed class Marshaller<T>
{
    public Marshaller(Func<T, byte[]> serializer, Func<ReadOnlyMemory<byte>, T> deserializer)
    {
        Serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        Deserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
    }

    public Func<T, byte[]> Serializer { get; }

    /// <summary>
    /// Reads a message from its bytes. The memory is valid only while the deserializer runs (the
    /// transport reads into pooled buffers); copy whatever the message must keep.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, T> Deserializer { get; }

    /// <summary>
    /// Optional: writes the message straight after a 5-byte gRPC prefix (left for the transport to fill)
    /// in one exactly sized array, so a unary request needs no second copy. Set for protobuf messages.
    /// </summary>
    internal Func<T, byte[]>? PrefixedSerializer { get; init; }
}

public static class Marshallers
{
    /// <summary>A marshaller for a Google.Protobuf message type, e.g. <c>Marshallers.ForProtobuf(HelloRequest.Parser)</c>.</summary>
    public static Marshaller<T> ForProtobuf<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(static m => WriteAfter(m, 0), bytes => parser.ParseFrom(bytes.Span)) { PrefixedSerializer = static m => WriteAfter(m, 5) };

    // WriteTo(Span) needs no CodedOutputStream, unlike ToByteArray.
    private static byte[] WriteAfter<T>(T message, int offset)
        where T : IMessage<T>
    {
        var bytes = new byte[offset + message.CalculateSize()];
        message.WriteTo(bytes.AsSpan(offset));
        return bytes;
    }
}
