using System.Runtime.CompilerServices;
using ActorChannel.Client;
using Akka.Actor;

namespace ActorChannel.TestKit;

/// <summary>Waits until a channel's actors are quiet; see <see cref="ChannelTestKit.SettleAsync"/>.</summary>
public static class ChannelQuiescence
{
    private static readonly ConditionalWeakTable<ActorSystem, IActorRef> Checkers = new();

    /// <summary>
    /// Rounds in which every living actor of the channel is sent Identify, which Akka answers from the mailbox in
    /// order and which is not counted as handled: a full round in which the channel's count of handled messages did
    /// not move means nothing was left to handle. An actor that stops meanwhile ends its part of the round. Lifecycle
    /// hooks (start, restart, stop) count as handled too. Work outside the actors (a task still running) is not seen.
    /// </summary>
    public static async Task WhenQuietAsync(this ManagedChannel channel, ActorSystem system, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(system);
        var runtime = channel.Runtime;
        var checker = Checkers.GetValue(system, s => s.ActorOf(Props.Create(() => new RoundChecker()), "channel-quiescence"));
        while (true)
        {
            long before = runtime.MessagesHandled;
            var round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            checker.Tell(new RoundChecker.Round(runtime.Actors, round));
            await round.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (runtime.MessagesHandled == before)
            {
                return;
            }
        }
    }

    /// <summary>Sends one round of Identify and completes it when each actor has answered or stopped.</summary>
    private sealed class RoundChecker : UntypedActor
    {
        private readonly Dictionary<long, (HashSet<IActorRef> Pending, TaskCompletionSource Done)> _rounds = new();
        private long _nextRound;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Round round:
                    Start(round);
                    break;
                case ActorIdentity { MessageId: (long id, IActorRef actor) }:
                    Answered(id, actor);
                    break;
                case Terminated terminated:
                    foreach (var id in _rounds.Keys.ToArray())
                    {
                        Answered(id, terminated.ActorRef);
                    }

                    break;
            }
        }

        private void Start(Round round)
        {
            long id = ++_nextRound;
            var pending = round.Actors.ToHashSet();
            _rounds[id] = (pending, round.Done);
            foreach (var actor in pending)
            {
                // Watching an actor that already stopped gives Terminated at once, so no round waits forever.
                Context.Watch(actor);
                actor.Tell(new Identify((id, actor)), Self);
            }

            Complete(id);
        }

        private void Answered(long id, IActorRef actor)
        {
            if (_rounds.TryGetValue(id, out var round) && round.Pending.Remove(actor))
            {
                Complete(id);
            }
        }

        private void Complete(long id)
        {
            if (_rounds[id].Pending.Count == 0)
            {
                _rounds[id].Done.TrySetResult();
                _rounds.Remove(id);
            }
        }

        public sealed record Round(IReadOnlyCollection<IActorRef> Actors, TaskCompletionSource Done);
    }
}
