using System.Threading.Channels;
using ActorChannel.Resolution;

namespace ActorChannel.Actors.Tests.Resolution;

/// <summary>A resolver whose every ResolveAsync waits until the test answers it or fails it, in call order.</summary>
internal sealed class ScriptedResolver : IResolver
{
    private readonly Channel<TaskCompletionSource<ResolutionResult>> _calls = Channel.CreateUnbounded<TaskCompletionSource<ResolutionResult>>();
    private int _calledTimes;
    private int _running;
    private int _overlapped;

    public TimeSpan MinResolveInterval => TimeSpan.Zero;

    /// <summary>How many times ResolveAsync was called.</summary>
    public int Calls => Volatile.Read(ref _calledTimes);

    /// <summary>True once a call came while another was still unanswered.</summary>
    public bool Overlapped => Volatile.Read(ref _overlapped) == 1;

    public bool Disposed { get; private set; }

    public Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calledTimes);
        if (Interlocked.Increment(ref _running) > 1)
        {
            Volatile.Write(ref _overlapped, 1);
        }

        // Continuations run inline, so answering delivers the actor's ResolveFinished from the test's thread.
        var call = new TaskCompletionSource<ResolutionResult>();
        cancellationToken.Register(() =>
        {
            if (call.TrySetCanceled(cancellationToken))
            {
                Interlocked.Decrement(ref _running);
            }
        });
        _calls.Writer.TryWrite(call);
        return call.Task;
    }

    /// <summary>Waits for the next call and answers it.</summary>
    public async Task AnswerAsync(ResolutionResult result) => Complete(await NextCallAsync(), call => call.TrySetResult(result));

    /// <summary>Waits for the next call and fails it.</summary>
    public async Task FailAsync(Exception error) => Complete(await NextCallAsync(), call => call.TrySetException(error));

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private Task<TaskCompletionSource<ResolutionResult>> NextCallAsync() => _calls.Reader.ReadAsync().AsTask().WaitAsync(PushProbe.Deadline);

    private void Complete(TaskCompletionSource<ResolutionResult> call, Func<TaskCompletionSource<ResolutionResult>, bool> complete)
    {
        Interlocked.Decrement(ref _running);
        if (!complete(call))
        {
            throw new InvalidOperationException("the call was cancelled before the test answered it");
        }
    }
}
