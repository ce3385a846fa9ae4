using ActorChannel.Client;
using Akka.Actor;

namespace ActorChannel.TestKit;

/// <summary>Waits until a channel's actors are quiet; see <see cref="ChannelTestKit.SettleAsync"/>.</summary>
public static class ChannelQuiescence
{
    /// <summary>
    /// Identify goes through each mailbox in order and is answered by Akka itself, so it is not counted as handled:
    /// a full round in which the channel's count of handled messages did not move means nothing was left to handle.
    /// </summary>
    public static async Task WhenQuietAsync(this ManagedChannel channel, ActorSystem system, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(system);
        var runtime = channel.Runtime;
        var root = channel.Actor.Path;
        while (true)
        {
            long before = runtime.MessagesHandled;
            var paths = new List<ActorPath> { root, root / "resolver", root / "balancer" };
            paths.AddRange(runtime.Subchannels.Select(s => root / "balancer" / ("subchannel-" + s.Id)));
            foreach (var path in paths)
            {
                // No timeout: an Ask timeout would be a timer on the virtual clock.
                await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), null, cancellationToken).ConfigureAwait(false);
            }

            if (runtime.MessagesHandled == before)
            {
                return;
            }
        }
    }
}
