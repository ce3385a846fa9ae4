namespace ActorChannel.Kernel;

/// <summary>
/// The mailbox is the thread-pool work item. One interlocked status word guarantees it is queued at most
/// once at a time, so the actor's code never runs concurrently with itself. Each run handles system
/// messages first, then up to <c>Throughput</c> user messages, then yields the thread.
/// </summary>
internal abstract class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;   // queued on the pool or running
    private const int Suspended = 2;   // waiting for an async handler; stays Scheduled so nobody queues it
    private const int Closed = 4;      // stopped for good: posts become dead letters

    private int _status;
    private SystemMessage? _systemHead;   // LIFO, reversed on take
    private int _drainingUser;

    private protected Mailbox(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    protected enum UserRun
    {
        Empty,
        Done,
        Suspended,
    }

    protected bool IsClosed => (Volatile.Read(ref _status) & Closed) != 0;

    /// <summary>User messages may be handled now (started, not failed, not stopping).</summary>
    protected abstract bool CanProcessUser { get; }

    public void Execute()
    {
        try
        {
            Run();
        }
        catch (Exception error)
        {
            // Only a kernel bug gets here; keep the process alive and say where it happened.
            KernelLog.KernelFault(System.Log, ((ActorCellBase)this).Path, error);
            System.Idle.Exit();
        }
    }

    internal void PostSystem(SystemMessage message)
    {
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemHead);
            message.Next = head;
        }
        while (Interlocked.CompareExchange(ref _systemHead, message, head) != head);

        if (IsClosed)
        {
            DrainSystemAfterClose();
        }
        else
        {
            TrySchedule();
        }
    }

    /// <summary>Test aid: system messages posted but not yet taken (walks the stack; no writes).</summary>
    internal int QueuedSystemMessages()
    {
        var count = 0;
        for (var message = Volatile.Read(ref _systemHead); message is not null; message = message.Next)
        {
            count++;
        }

        return count;
    }

    /// <summary>Called by producers right after they enqueued a user-queue item.</summary>
    protected void AfterUserEnqueue()
    {
        var status = Volatile.Read(ref _status);
        if (status == Idle)
        {
            TrySchedule();
        }
        else if ((status & Closed) != 0)
        {
            DrainUserAfterClose();
        }
    }

    protected void TrySchedule()
    {
        if (Volatile.Read(ref _status) != Idle)
        {
            return;
        }

        // Counted busy before the CAS so the system never looks idle while this post is in flight.
        System.Idle.Enter();
        if (Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: System.PreferLocalScheduling);
        }
        else
        {
            System.Idle.Exit();
        }
    }

    /// <summary>Marks the run as waiting for an async handler; the caller must return from Run right away.</summary>
    protected void MarkSuspended() => Interlocked.Or(ref _status, Suspended);

    /// <summary>An async handler finished: continue where the run left off.</summary>
    protected void ResumeAfterSuspension()
    {
        Interlocked.And(ref _status, ~Suspended);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Start, or collect the outcome of an async handler.</summary>
    protected abstract void BeforeRun();

    protected abstract UserRun ProcessOneUserMessage();

    protected abstract bool HasUserWork();

    protected abstract void HandleSystem(SystemMessage message);

    protected abstract void HandleSystemAfterClose(SystemMessage message);

    protected abstract void DrainUserToDeadLetters();

    /// <summary>Runs on the mailbox's own turn: no more user messages, and later posts go to dead letters.</summary>
    protected void Close()
    {
        Interlocked.Or(ref _status, Closed);
        DrainSystemAfterClose();
        DrainUserAfterClose();
    }

    private void Run()
    {
        BeforeRun();
        var budget = System.Throughput;
        var starved = false;
        while (true)
        {
            if (Volatile.Read(ref _systemHead) is not null)
            {
                ProcessSystemMessages();
            }

            if (IsClosed)
            {
                System.Idle.Exit();
                return;
            }

            if (budget == 0 || !CanProcessUser)
            {
                break;
            }

            var outcome = ProcessOneUserMessage();
            if (outcome == UserRun.Empty)
            {
                starved = true;
                break;
            }

            if (outcome == UserRun.Suspended)
            {
                return;   // the handler's continuation queues the next run
            }

            budget--;
        }

        if (HasPendingWork())
        {
            if (starved)
            {
                // A producer reserved a slot but is preempted before publishing it: let it run, do not spin the pool.
                Thread.Yield();
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        Interlocked.Exchange(ref _status, Idle);
        if (HasPendingWork())
        {
            TrySchedule();   // a post raced the idle transition
        }

        System.Idle.Exit();
    }

    private bool HasPendingWork() =>
        Volatile.Read(ref _systemHead) is not null || (CanProcessUser && HasUserWork());

    private void ProcessSystemMessages()
    {
        var list = TakeSystemMessagesInOrder();
        while (list is not null)
        {
            var message = list;
            list = message.Next;
            message.Next = null;
            HandleSystem(message);
        }
    }

    private SystemMessage? TakeSystemMessagesInOrder()
    {
        var list = Interlocked.Exchange(ref _systemHead, null);
        SystemMessage? reversed = null;
        while (list is not null)
        {
            var next = list.Next;
            list.Next = reversed;
            reversed = list;
            list = next;
        }

        return reversed;
    }

    private void DrainSystemAfterClose()
    {
        var list = TakeSystemMessagesInOrder();
        while (list is not null)
        {
            var message = list;
            list = message.Next;
            message.Next = null;
            HandleSystemAfterClose(message);
        }
    }

    private void DrainUserAfterClose()
    {
        // The user queue has a single consumer; after close, whoever holds this flag is that consumer.
        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _drainingUser, 1, 0) == 0)
        {
            DrainUserToDeadLetters();
            Interlocked.Exchange(ref _drainingUser, 0);   // full fence: the emptiness check below must not move above it
            if (!HasUserWork())
            {
                return;
            }

            spinner.SpinOnce();   // an item reserved but not yet published: give its producer time
        }
    }
}
