namespace ActorChannel.Kernel;

/// <summary>
/// A one-shot reply target carried inside a request message. The first Reply or Fail wins; the rest are ignored.
/// </summary>
public sealed class ReplyTo<TReply>
{
    // Continuations run on the pool so a replying actor never runs the asker's code on its own thread.
    private readonly TaskCompletionSource<TReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    internal ReplyTo()
    {
    }

    internal Task<TReply> Task => _completion.Task;

    public void Reply(TReply value)
    {
        if (_completion.TrySetResult(value))
        {
            Cleanup();
        }
    }

    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_completion.TrySetException(error))
        {
            Cleanup();
        }
    }

    internal void Arm(TimeProvider time, TimeSpan timeout, CancellationToken ct, ActorRef target, object? message)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            var text = $"Ask to {target.Path} with message {message?.GetType().Name ?? "null"} timed out after {timeout}";
            _timer = time.CreateTimer(
                static state =>
                {
                    var (self, error) = ((ReplyTo<TReply>, string))state!;
                    self.Fail(new TimeoutException(error));
                },
                (this, text),
                timeout,
                Timeout.InfiniteTimeSpan);
        }

        if (ct.CanBeCanceled)
        {
            _cancellation = ct.Register(
                static (state, token) =>
                {
                    var self = (ReplyTo<TReply>)state!;
                    if (self._completion.TrySetCanceled(token))
                    {
                        self.Cleanup();
                    }
                },
                this);
        }

        // A reply may have raced the arming above; make sure nothing is left running.
        if (_completion.Task.IsCompleted)
        {
            Cleanup();
        }
    }

    private void Cleanup()
    {
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        _cancellation.Dispose();
    }
}
