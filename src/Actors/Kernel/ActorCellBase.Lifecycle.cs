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
        if (State != Lifecycle.Running)
        {
            return;   // stopping wins over restarting
        }

        InvokePreRestart(restart.Cause, restart.FailedMessage);
        CancelTimers();
        _restartCause = restart.Cause;
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
        if (child == _escalatedChild)
        {
            _escalatedChild = null;
        }

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
