namespace ActorChannel.Kernel;

/// <summary>Running the actor's code: handlers (sync and async) and lifecycle hooks, all failure-safe.</summary>
internal sealed partial class ActorCell<T>
{
    private Task? _pending;            // an async handler still running; the mailbox is suspended meanwhile
    private object? _pendingMessage;
    private Action? _resume;

    protected override void BeforeRun()
    {
        if (_pending is { } finished)
        {
            var message = _pendingMessage;
            _pending = null;
            _pendingMessage = null;
            if (!finished.IsCompletedSuccessfully)
            {
                Fail(Unwrap(finished), message);
            }
        }

        if (State == Lifecycle.New)
        {
            State = Lifecycle.Running;
            if (TryCreateInstance())
            {
                RunHook("PreStart", static (actor, _) => actor.CallPreStart(), null, fails: true);
            }
        }
    }

    private UserRun Invoke(T message)
    {
        Task? task;
        try
        {
            task = _actor!.Dispatch(message);
        }
        catch (Exception error)
        {
            Fail(error, message);
            return UserRun.Done;
        }

        if (task is null)
        {
            return UserRun.Done;
        }

        if (task.IsCompleted)
        {
            Fail(Unwrap(task), message);   // Dispatch returns only unfinished or failed tasks
            return UserRun.Done;
        }

        _pending = task;
        _pendingMessage = message;
        MarkSuspended();
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resume ??= ResumeAfterSuspension);
        return UserRun.Suspended;
    }

    protected override void InvokePostStop()
    {
        RunHook("PostStop", static (actor, _) => actor.CallPostStop(), null, fails: false);
        _actor = null;   // the stopped instance can be collected even while refs to the cell remain
    }

    protected override void InvokePreRestart(Exception cause, object? failedMessage) =>
        RunHook("PreRestart", static (actor, state) =>
        {
            var (reason, message) = ((Exception, object?))state!;
            actor.CallPreRestart(reason, message);
        }, (cause, failedMessage), fails: false);

    protected override void Recreate(Exception cause)
    {
        if (TryCreateInstance())
        {
            RunHook("PostRestart", static (actor, reason) => actor.CallPostRestart((Exception)reason!), cause, fails: true);
        }
    }

    /// <summary>Runs a hook; if it throws, either fail the actor (start hooks) or just log (stop hooks).</summary>
    private void RunHook(string name, Action<Actor<T>, object?> hook, object? state, bool fails)
    {
        if (_actor is not { } actor)
        {
            return;
        }

        try
        {
            hook(actor, state);
        }
        catch (Exception error)
        {
            if (fails)
            {
                Fail(error, null);
            }
            else
            {
                KernelLog.HookFailed(System.Log, Path, name, error);
            }
        }
    }

    private static Exception Unwrap(Task task) =>
        task.Exception is { } aggregate
            ? (aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate)
            : new OperationCanceledException("The async handler was cancelled.");
}
