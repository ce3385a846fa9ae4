using Google.Protobuf.WellKnownTypes;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>What a client is in the comparison.</summary>
internal enum ClientRole
{
    /// <summary>A bare Grpc.Net.Client channel to one backend: the floor.</summary>
    Floor,

    /// <summary>Grpc.Net.Client's own balancer (static resolver) with <see cref="CallsClient.Policy"/>.</summary>
    GrpcNetBalancer,

    /// <summary>ActorChannel's channel with <see cref="CallsClient.Policy"/>.</summary>
    Channel,

    /// <summary>One of the channel's connections alone (HttpClientTransport's Grpc.Net.Client invoker): what the channel layer sits on.</summary>
    Connection,
}

/// <summary>
/// One client of the <c>calls</c> mode: a unary SayHello per <see cref="Call"/>, and how to dispose of it.
/// Channels of the same <see cref="Policy"/> run over the same backends, so they are compared with each other.
/// </summary>
internal sealed class CallsClient(string name, ClientRole role, string policy, Func<Task<StringValue>> call, Func<ValueTask> dispose) : IAsyncDisposable
{
    public string Name { get; } = name;

    public ClientRole Role { get; } = role;

    /// <summary><c>pick_first</c> (over the first backend) or <c>round_robin</c> (over all).</summary>
    public string Policy { get; } = policy;

    /// <summary>One call; the reply's text names the backend that answered.</summary>
    public Func<Task<StringValue>> Call { get; } = call;

    public ValueTask DisposeAsync() => dispose();
}
