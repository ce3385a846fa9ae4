using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>
/// Counts the connections a listener accepted before now without sleeping: a probe connection goes into the
/// listen backlog behind every dial already made, so once the probe is seen accepted, so is every earlier one.
/// </summary>
internal static class AcceptBarrier
{
    public static async Task<int> CountBeforeAsync(IPAddress ip, int port, Func<IReadOnlyList<EndPoint?>> accepted, TimeSpan timeout)
    {
        using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await probe.ConnectAsync(ip, port);
        var mine = probe.LocalEndPoint;
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var seen = accepted();
            for (var i = 0; i < seen.Count; i++)
            {
                if (Equals(seen[i], mine))
                {
                    return i;
                }
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The probe connection from {mine} was not accepted within {timeout}.");
            }

            await Task.Delay(5); // bounded probe of the server's accept loop
        }
    }
}
