namespace ActorChannel.Kernel;

/// <summary>Stop and restart: both wait for the children to finish stopping first.</summary>
internal abstract partial class ActorCellBase
{
    private Exception? _restartCause;

    protected abstract void CancelTimers();

    protected abstract void InvokePostStop();

    protected abstract void InvokePreRestart(Exception cause, object? failedMessage);

    /// <summary>Makes the new instance and runs PostRestart.</summary>
    protected abstract void Recreate(Exception cause);

    /// <summary>Unwatches everything this actor watches (it no longer cares).</summary>
    protected abstract void UnwatchAll();

    /// <summary>
    /// Unwatches every child (current or old) before a restart stops them: their termination belongs to the
    /// old instance, and a Terminated reaching the new one would stop it with a DeathPactException.
    /// </summary>
    protected abstract void UnwatchChildren();

    private void BeginStop()
    {
        lock (this)
        {
            if (State is Lifecycle.Stopping or Lifecycle.Stopped)
            {
                return;
            }

            // Set under the lock so a concurrent top-level Spawn cannot add a child we would not stop.
            State = Lifecycle.Stopping;
        }

        CancelTimers();
        if (!StopChildren())
        {
            FinishStop();
        }
    }

    private void FinishStop()
    {
        State = Lifecycle.Stopped;
        InvokePostStop();
        CancelTimers();   // again: PostStop itself may have started one
        UnwatchAll();

        // Free the name before anyone can observe the termination, so Terminated means the name is reusable.
        // The parent's stop/restart still waits for ChildTerminated; an empty child table then means every
        // child has run PostStop, since each removes itself only after its PostStop.
        Parent?.RemoveChild(this);
        NotifyWatchers();
        Close();
        if (Parent is null)
        {
            System.OnGuardianStopped();
        }
        else
        {
            Parent.PostSystem(new ChildTerminated(this));
        }
    }

    private void BeginRestart(RestartActor restart)
    {
        if (State != Lifecycle.Running || !Failed)
        {
            return;   // stopping wins over restarting; a directive for a failure already dealt with is stale
        }

        _escalatedChildren = null;   // they are stopped with the other children

        InvokePreRestart(restart.Cause, restart.FailedMessage);
        CancelTimers();
        _restartCause = restart.Cause;
        UnwatchChildren();
        if (StopChildren())
        {
            State = Lifecycle.Restarting;
            return;
        }

        FinishRestart();
    }

    private void FinishRestart()
    {
        var cause = _restartCause!;
        _restartCause = null;
        State = Lifecycle.Running;
        Failed = false;
        Recreate(cause);
    }

    private void OnChildTerminated(ActorCellBase child)
    {
        RemoveChild(child);
        _escalatedChildren?.Remove(child);

        if (HasChildren())
        {
            return;
        }

        if (State == Lifecycle.Stopping)
        {
            FinishStop();
        }
        else if (State == Lifecycle.Restarting)
        {
            FinishRestart();
        }
    }
}
