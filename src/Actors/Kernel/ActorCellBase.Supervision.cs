namespace ActorChannel.Kernel;

/// <summary>Failure reporting (child side) and one-for-one decisions (parent side).</summary>
internal abstract partial class ActorCellBase
{
    // Children whose failure this actor escalated as its own; all continue if it is resumed.
    private List<ActorCellBase>? _escalatedChildren;

    protected abstract SupervisorStrategy StrategyForChildren { get; }

    /// <summary>This actor threw: suspend user messages and ask the parent what to do.</summary>
    protected void Fail(Exception cause, object? failedMessage, bool escalated = false)
    {
        if (!escalated)
        {
            KernelLog.ActorFailed(System.Log, Path, failedMessage?.GetType().Name ?? "(lifecycle)", cause);
        }

        Failed = true;
        if (Parent is null)
        {
            // The guardian has nobody to ask; its own code never throws, so this is a kernel bug.
            KernelLog.KernelFault(System.Log, Path, cause);
            return;
        }

        Parent.PostSystem(new ChildFailed(this, cause, failedMessage));
    }

    /// <summary>False after the Props factory threw: there is nothing to resume.</summary>
    protected abstract bool HasInstance { get; }

    private void Resume(Exception cause)
    {
        if (!Failed)
        {
            return;
        }

        Failed = false;
        if (!HasInstance)
        {
            Recreate(cause);   // as a restart: resuming nothing would fail every later message
            return;
        }

        if (_escalatedChildren is { } children)
        {
            // We were resumed after escalating on their behalf: they continue too.
            _escalatedChildren = null;
            foreach (var child in children)
            {
                child.PostSystem(new ResumeActor(cause));
            }
        }
    }

    private void Supervise(ChildFailed failure)
    {
        var child = failure.Child;
        if (State is Lifecycle.Restarting or Lifecycle.Stopping or Lifecycle.Stopped || !IsChild(child))
        {
            return;   // it is being stopped anyway
        }

        var strategy = SupervisorStrategy.Default;
        Directive directive;
        try
        {
            strategy = StrategyForChildren;
            directive = strategy.Decide(failure.Cause);
        }
        catch (Exception deciderError)
        {
            KernelLog.HookFailed(System.Log, Path, "SupervisorStrategy decider", deciderError);
            directive = Directive.Escalate;
        }

        if (directive == Directive.Restart &&
            !strategy.AllowRestart(ref child.Restarts, System.TimeProvider.GetUtcNow()))
        {
            KernelLog.RestartLimit(System.Log, child.Path, strategy.MaxRestarts, strategy.Within, null);
            directive = Directive.Stop;
        }

        if (directive == Directive.Escalate && Parent is null)
        {
            directive = Directive.Stop;   // top level: nobody above to escalate to
        }

        KernelLog.Supervised(System.Log, directive.ToString(), child.Path, null);
        switch (directive)
        {
            case Directive.Resume:
                child.PostSystem(new ResumeActor(failure.Cause));
                break;
            case Directive.Restart:
                child.PostSystem(new RestartActor(failure.Cause, failure.FailedMessage));
                break;
            case Directive.Stop:
                child.PostSystem(new StopActor());
                break;
            case Directive.Escalate:
                (_escalatedChildren ??= []).Add(child);
                if (!Failed)
                {
                    // Already failed: the parent's one directive covers this child too.
                    Fail(failure.Cause, failure.FailedMessage, escalated: true);
                }

                break;
        }
    }
}
