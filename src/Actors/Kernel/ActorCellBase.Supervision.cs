namespace ActorChannel.Kernel;

/// <summary>Failure reporting (child side) and one-for-one decisions (parent side).</summary>
internal abstract partial class ActorCellBase
{
    private ActorCellBase? _escalatedChild;

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

    private void Resume()
    {
        if (!Failed)
        {
            return;
        }

        Failed = false;
        if (_escalatedChild is { } child)
        {
            // We were resumed after escalating on its behalf: it continues too.
            _escalatedChild = null;
            child.PostSystem(new ResumeActor());
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
                child.PostSystem(new ResumeActor());
                break;
            case Directive.Restart:
                child.PostSystem(new RestartActor(failure.Cause, failure.FailedMessage));
                break;
            case Directive.Stop:
                child.PostSystem(new StopActor());
                break;
            case Directive.Escalate:
                _escalatedChild = child;
                Fail(failure.Cause, failure.FailedMessage, escalated: true);
                break;
        }
    }
}
