using Grpc.Core;
using ActorChannel.Benchmarks.Transport;
using ActorChannel.Client;
using ActorChannel.Transport;

namespace ActorChannel.Benchmarks.Calls;

/// <summary>
/// ActorChannel's channel in the <c>calls</c> mode, dialled as an application does. This is the one client to
/// adjust when the channel's call layer changes (since the switch: Grpc.Net.Client under each subchannel).
/// </summary>
internal static class ChannelClients
{
    /// <summary><c>ipv4:127.0.0.1:P1,…</c>: pick_first is the channel's default, so it gets no service config.</summary>
    public static async Task<CallsClient> DialAsync(string policy, IReadOnlyList<int> ports)
    {
        var channel = ManagedChannel.Dial("ipv4:" + string.Join(',', ports.Select(p => $"127.0.0.1:{p}")), new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            DefaultServiceConfig = policy == "pick_first" ? null : "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
        });
        await channel.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var invoker = channel.CreateCallInvoker();
        return new CallsClient($"ManagedChannel {policy}", ClientRole.Channel, policy, () => GrpcNetClients.CallAsync(invoker), channel.DisposeAsync);
    }

    /// <summary>One <see cref="HttpClientTransport"/> to the backend, called on its invoker: the channel minus its own layer.</summary>
    public static async Task<CallsClient> ConnectionAsync(int port)
    {
        var transport = new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", port), new TransportOptions(), _ => { });
        await transport.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return new CallsClient("HttpClientTransport (1 connection)", ClientRole.Connection, "pick_first", () => GrpcNetClients.CallAsync(transport.Invoker), transport.DisposeAsync);
    }
}
