using System.Net;
using System.Net.Sockets;

namespace ActorChannel.Actors.Tests.Resolution.Servers;

/// <summary>Ephemeral loopback ports for the servers the tests start (the kernel picks; the test releases it for the server).</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free for TCP, and for UDP too when asked (DNS servers listen on both).</summary>
    public static int Free(bool udpToo = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            if (!udpToo)
            {
                return port;
            }

            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
