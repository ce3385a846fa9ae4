using System.Runtime.CompilerServices;
using ActorChannel.Client;
using Akka.Actor;

namespace ActorChannel.TestKit;

/// <summary>Waits until a channel's actors are quiet; see <see cref="ChannelTestKit.SettleAsync"/>.</summary>
public static class ChannelQuiescence
{
    /// <summary>Subchannel ids whose actor is known to have stopped (a stopped actor never comes back).</summary>
    private static readonly ConditionalWeakTable<ManagedChannel, HashSet<long>> Stopped = new();

    /// <summary>
    /// Identify goes through each mailbox in order and is answered by Akka itself, so it is not counted as handled:
    /// a full round in which the channel's count of handled messages did not move means nothing was left to handle.
    /// Every subchannel actor that may still live is asked, including one the balancer has just shut down.
    /// </summary>
    public static async Task WhenQuietAsync(this ManagedChannel channel, ActorSystem system, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(system);
        var runtime = channel.Runtime;
        var root = channel.Actor.Path;
        var stopped = Stopped.GetOrCreateValue(channel);
        while (true)
        {
            long before = runtime.MessagesHandled;
            await IdentifyAsync(system, root, cancellationToken).ConfigureAwait(false);
            await IdentifyAsync(system, root / "resolver", cancellationToken).ConfigureAwait(false);
            await IdentifyAsync(system, root / "balancer", cancellationToken).ConfigureAwait(false);
            for (long id = 1; id <= runtime.LastSubchannelId; id++)
            {
                if (!stopped.Contains(id) && !await IdentifyAsync(system, root / "balancer" / ("subchannel-" + id), cancellationToken).ConfigureAwait(false))
                {
                    stopped.Add(id);
                }
            }

            if (runtime.MessagesHandled == before)
            {
                return;
            }
        }
    }

    /// <summary>True when the actor lives (it answered after handling everything before the Identify).</summary>
    private static async Task<bool> IdentifyAsync(ActorSystem system, ActorPath path, CancellationToken cancellationToken)
    {
        // No timeout: an Ask timeout would be a timer on the virtual clock.
        var identity = await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), null, cancellationToken).ConfigureAwait(false);
        return identity.Subject is not null;
    }
}
