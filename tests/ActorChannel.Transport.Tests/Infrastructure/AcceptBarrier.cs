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
        var index = -1;

        // The servers behind this (Kestrel's among them) do not say when they accept.
        if (!await Waits.ProbeUntilAsync(() => (index = IndexOf(accepted(), mine)) >= 0, timeout))
        {
            throw new TimeoutException($"The probe connection from {mine} was not accepted within {timeout}.");
        }

        return index;
    }

    private static int IndexOf(IReadOnlyList<EndPoint?> seen, EndPoint? mine)
    {
        for (var i = 0; i < seen.Count; i++)
        {
            if (Equals(seen[i], mine))
            {
                return i;
            }
        }

        return -1;
    }
}
