using Google.Protobuf;
using Grpc.Net.Client;

namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// gRPC channels to the etcd members of a target, one in use at a time; <see cref="Next"/> moves to the next member
/// after a failure. The generated etcd stubs of dotnet-etcd run over them directly, so the resolver decides itself
/// how a lost watch resumes (and dotnet-etcd's watch manager, which writes to the console, is never started).
/// Not thread-safe: each user (a resolver's watch loop, a registration) has its own.
/// </summary>
internal sealed class EtcdConnection(IReadOnlyList<Uri> endpoints) : IDisposable
{
    private readonly GrpcChannel?[] _channels = new GrpcChannel?[endpoints.Count];
    private int _current;

    public Uri Endpoint => endpoints[_current];

    public GrpcChannel Channel => _channels[_current] ??= GrpcChannel.ForAddress(
        endpoints[_current],
        new GrpcChannelOptions { Credentials = Grpc.Core.ChannelCredentials.Insecure });

    public void Next() => _current = (_current + 1) % endpoints.Count;

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel?.Dispose();
        }
    }

    /// <summary>The range end that makes a range request cover every key starting with <paramref name="prefix"/>.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        }

        // All 0xff: to the end of the key space.
        return ByteString.CopyFrom(0);
    }
}
