namespace ActorChannel.Transport;

/// <summary>
/// Where a call goes that its connection provably never processed (gRFC A6's transparent retry): the owner of the
/// connections picks another one, and the call moves there before Grpc.Net.Client or the caller sees a failure.
/// A connection asks once per call; the call's deadline and cancellation are in <paramref name="cancellationToken"/>.
/// </summary>
/// <param name="from">The connection that did not process the call; the router avoids it while it has others.</param>
/// <param name="call">What the router needs to pick for the call.</param>
/// <returns>The connection to send the call on, or null to let it fail as it did.</returns>
/// <exception cref="Grpc.Core.RpcException">No connection for it (a fail-fast call while nothing is READY, a closed channel): the call ends with that status.</exception>
public delegate ValueTask<IClientTransport?> CallRerouter(IClientTransport from, ReroutedCall call, CancellationToken cancellationToken);

/// <summary>A call on its way to another connection: its method (<c>/package.Service/Method</c>) and whether it waits for ready.</summary>
public readonly record struct ReroutedCall(string MethodFullName, bool WaitForReady);
