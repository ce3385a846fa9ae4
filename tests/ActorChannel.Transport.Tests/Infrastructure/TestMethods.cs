using System.Text;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>Methods of the in-test service; messages are UTF-8 strings so tests read plainly.</summary>
public static class TestMethods
{
    public static readonly Marshaller<string> Utf8 = Marshallers.Create(s => Encoding.UTF8.GetBytes(s), b => Encoding.UTF8.GetString(b));

    public static Method<string, string> Unary(string name = "Unary") => new(MethodType.Unary, "test.Echo", name, Utf8, Utf8);

    public static readonly Method<string, string> ServerStream = new(MethodType.ServerStreaming, "test.Echo", "ServerStream", Utf8, Utf8);

    /// <summary>The "Hang" endpoint called as a server-streaming method.</summary>
    public static readonly Method<string, string> ServerStreamHang = new(MethodType.ServerStreaming, "test.Echo", "Hang", Utf8, Utf8);

    public static readonly Method<string, string> ClientStream = new(MethodType.ClientStreaming, "test.Echo", "ClientStream", Utf8, Utf8);

    public static readonly Method<string, string> Duplex = new(MethodType.DuplexStreaming, "test.Echo", "Duplex", Utf8, Utf8);

    public static CallOptions Deadline(TimeSpan inFromNow) => new(deadline: DateTime.UtcNow + inFromNow);

    /// <summary>A generous deadline so a broken test fails instead of hanging.</summary>
    public static CallOptions Safe => Deadline(TimeSpan.FromSeconds(20));

    /// <summary>The safe deadline with request headers.</summary>
    public static CallOptions With(params (string Key, string Value)[] headers)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in headers)
        {
            metadata.Add(key, value);
        }

        return Safe.WithHeaders(metadata);
    }
}
