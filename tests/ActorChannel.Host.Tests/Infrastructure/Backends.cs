using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;

namespace ActorChannel.Host.Tests.Infrastructure;

/// <summary>Greeter servers for the CLI tests: ours in process, or a real gRPC peer program killed by PID when disposed.</summary>
public static class Backends
{
    public static Task<RunningGreeterServer> StartOursAsync(string name = "kestrel") =>
        GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = name });

    /// <summary>grpc-js (tests/peers/server.js); its replies are "Hello {name} from {instanceName}".</summary>
    public static Task<(PeerProcess Peer, int Port)> StartGrpcJsAsync(string instanceName) =>
        PeerProcess.StartServerAsync(PeerPaths.Node, [PeerPaths.Script("server.js"), "--name", instanceName]);

    /// <summary>gRPC C-core through Debian's python3-grpcio (tests/peers/python_server.py).</summary>
    public static Task<(PeerProcess Peer, int Port)> StartPythonAsync(string instanceName) =>
        PeerProcess.StartServerAsync(PeerPaths.Python, [PeerPaths.Script("python_server.py"), "--name", instanceName]);

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
