using Akka.Actor;

namespace ActorChannel.Client.Actors;

/// <summary>How the channel's actors supervise their children.</summary>
internal static class ChannelSupervision
{
    /// <summary>
    /// One-for-one: a child whose handler throws is restarted, at most 10 times a minute, and stopped after that, so a
    /// bug that throws on every message cannot spin. A child that fails to start, or was killed, is stopped (Akka's rule).
    /// </summary>
    public static readonly SupervisorStrategy RestartChildren = new OneForOneStrategy(
        maxNrOfRetries: 10,
        withinTimeRange: TimeSpan.FromMinutes(1),
        localOnlyDecider: e => e switch
        {
            ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
            _ => Directive.Restart,
        });
}
