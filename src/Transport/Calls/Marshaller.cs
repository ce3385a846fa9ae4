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
}

public static class Marshallers
{
    /// <summary>A marshaller for a Google.Protobuf message type, e.g. <c>Marshallers.ForProtobuf(HelloRequest.Parser)</c>.</summary>
    public static Marshaller<T> ForProtobuf<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(static m => m.ToByteArray(), bytes => parser.ParseFrom(bytes.Span));
}
