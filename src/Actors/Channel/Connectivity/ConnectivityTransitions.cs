using Grpc.Core;

namespace ActorChannel.Client.Connectivity;

// The states are Grpc.Net.Client's Grpc.Core.ConnectivityState, so a program that also uses GrpcChannel has one enum.

/// <summary>Which state may follow which; anything else is a bug in whoever reports it.</summary>
public static class ConnectivityTransitions
{
    /// <summary>
    /// The spec's table plus grpc-go's subchannel rule: TRANSIENT_FAILURE goes to IDLE when its backoff ends
    /// (the balancer then reconnects it); the spec's TRANSIENT_FAILURE → CONNECTING is allowed too.
    /// </summary>
    public static bool IsAllowed(ConnectivityState from, ConnectivityState to) => (from, to) switch
    {
        (ConnectivityState.Shutdown, _) => false,
        (_, ConnectivityState.Shutdown) => true,
        (ConnectivityState.Idle, ConnectivityState.Connecting) => true,
        (ConnectivityState.Connecting, ConnectivityState.Ready or ConnectivityState.TransientFailure or ConnectivityState.Idle) => true,
        (ConnectivityState.Ready, ConnectivityState.Idle or ConnectivityState.TransientFailure) => true,
        (ConnectivityState.TransientFailure, ConnectivityState.Idle or ConnectivityState.Connecting) => true,
        _ => false,
    };

    /// <summary>Every allowed (from, to) pair, for tests and documentation.</summary>
    public static IEnumerable<(ConnectivityState From, ConnectivityState To)> All()
    {
        foreach (var from in Enum.GetValues<ConnectivityState>())
        {
            foreach (var to in Enum.GetValues<ConnectivityState>())
            {
                if (IsAllowed(from, to))
                {
                    yield return (from, to);
                }
            }
        }
    }

    public static string ToSpecName(this ConnectivityState state) => state switch
    {
        ConnectivityState.Idle => "IDLE",
        ConnectivityState.Connecting => "CONNECTING",
        ConnectivityState.Ready => "READY",
        ConnectivityState.TransientFailure => "TRANSIENT_FAILURE",
        ConnectivityState.Shutdown => "SHUTDOWN",
        _ => state.ToString(),
    };
}
