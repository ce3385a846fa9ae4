using System.Runtime.CompilerServices;

namespace ActorChannel.Kernel;

/// <summary>An address of one actor incarnation; equal only to itself.</summary>
public abstract class ActorRef : IEquatable<ActorRef>
{
    private protected ActorRef()
    {
    }

    /// <summary>e.g. <c>/user/channel-1/subchannel-3</c>.</summary>
    public string Path => Cell.Path;

    public string Name => Cell.Name;

    internal abstract ActorCellBase Cell { get; }

    public bool Equals(ActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public override string ToString() => Path;
}

/// <summary>A typed address: only the actor's protocol can be sent to it.</summary>
public sealed class ActorRef<T> : ActorRef
{
    private readonly ActorCell<T> _cell;

    internal ActorRef(ActorCell<T> cell) => _cell = cell;

    internal override ActorCellBase Cell => _cell;

    /// <summary>Queues the message; never blocks, and a stopped target turns it into a dead letter.</summary>
    public void Tell(T message) => _cell.Post(message);

    /// <summary>
    /// Sends the message made by <paramref name="createMessage"/> and waits for its <see cref="ReplyTo{TReply}"/>.
    /// The timeout runs on the system's <see cref="TimeProvider"/>; a message to a stopped actor times out.
    /// </summary>
    public Task<TReply> Ask<TReply>(Func<ReplyTo<TReply>, T> createMessage, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(createMessage);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An Ask timeout must be positive or infinite.");
        }

        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(ct);
        }

        var reply = new ReplyTo<TReply>();
        var message = createMessage(reply);
        reply.Arm(_cell.System.TimeProvider, timeout, ct, this, message);
        Tell(message);
        return reply.Task;
    }
}
