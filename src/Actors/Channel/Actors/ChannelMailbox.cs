using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorChannel.Client.Actors;

/// <summary>
/// The mailbox of the channel's actors. Akka's default mailbox is a ConcurrentQueue, whose first segment (32 slots)
/// costs about 1 KB per actor even while the actor is idle, which is most of its life: a channel's actors handle a
/// message per connection event, not per call. This one is a linked list that costs a small node per message in
/// flight and nothing when empty, which takes about 6 KB off an idle channel with three subchannels.
/// </summary>
internal static class ChannelMailbox
{
    /// <summary>The config path of the mailbox, injected into each actor system a channel is dialled in.</summary>
    public const string Id = "actorchannel.mailbox";

    private static readonly Akka.Configuration.Config Definition = ConfigurationFactory.ParseString(
        $"{Id} {{ mailbox-type = \"{typeof(ChannelMailboxType).AssemblyQualifiedName}\" }}");

    /// <summary>Makes the mailbox known to <paramref name="system"/>; idempotent.</summary>
    public static void EnsureRegistered(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath(Id + ".mailbox-type"))
        {
            system.Settings.InjectTopLevelFallback(Definition);
        }
    }
}

/// <summary>Makes a <see cref="LinkedMessageQueue"/> per actor; named by <see cref="ChannelMailbox.Id"/> in config.</summary>
internal sealed class ChannelMailboxType(Settings settings, Akka.Configuration.Config config) : MailboxType(settings, config), IProducesMessageQueue<LinkedMessageQueue>
{
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LinkedMessageQueue();
}

/// <summary>
/// A lock-free multi-producer, single-consumer queue of envelopes (a linked list with a stub node): producers swap
/// the head, the mailbox's one running consumer follows the links from the tail.
/// </summary>
/// <remarks>
/// A producer links its node to the previous head just after swapping the head, so for that instant the consumer may
/// find no next node although <see cref="Count"/> says one is coming; it then reports empty. That is safe: the
/// producer schedules the mailbox after its enqueue is complete, so the message is taken on that run.
/// </remarks>
internal sealed class LinkedMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private Node _head;
    private Node _tail;
    private int _count;

    public LinkedMessageQueue()
    {
        _head = _tail = new Node(default);
    }

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        var node = new Node(envelope);
        Interlocked.Increment(ref _count);
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        var next = Volatile.Read(ref _tail.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }

        envelope = next.Envelope;
        next.Envelope = default;
        _tail = next;
        Interlocked.Decrement(ref _count);
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }

    private sealed class Node(Envelope envelope)
    {
        public Envelope Envelope = envelope;
        public Node? Next;
    }
}
