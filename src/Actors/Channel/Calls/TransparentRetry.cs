using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using Grpc.Core;

namespace ActorChannel.Client.Calls;

/// <summary>
/// gRFC A6's transparent retry, as the channel's connections ask for it (<see cref="TransportOptions.Reroute"/>): a
/// call a connection never processed gets a new pick that avoids that connection, waiting as the call's wait-for-ready
/// says. The connection moves the call itself, below Grpc.Net.Client, so a call that succeeds carries no retry state.
/// </summary>
internal static class TransparentRetry
{
    public static CallRerouter For(PickerSlot slot) =>
        (from, call, token) => new ValueTask<IClientTransport?>(PickAsync(slot, from, call, token));

    private static async Task<IClientTransport?> PickAsync(PickerSlot slot, IClientTransport from, ReroutedCall call, CancellationToken token)
    {
        try
        {
            return await slot.PickAvoidingAsync(new PickInfo(call.MethodFullName, call.WaitForReady), deadline: null, token, from).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
        {
            // The call's token is Grpc.Net.Client's, which fires for its deadline too: it tells the two apart itself.
            throw new OperationCanceledException(e.Status.Detail, e, token);
        }
    }
}
