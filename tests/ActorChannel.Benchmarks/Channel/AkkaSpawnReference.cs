using System.Diagnostics;
using Akka.Actor;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>
/// Akka.NET's own floor for a large address update: one parent spawning N trivial children, timed until every
/// child has started. The channel's update makes one subchannel actor per address, so it cannot be faster than this.
/// </summary>
internal static class AkkaSpawnReference
{
    /// <returns>The time until every child has started, and the bytes the process allocated in that time.</returns>
    public static async Task<(double Ms, double AllocatedMb)> MeasureAsync(ActorSystem system, int children)
    {
        var done = new TaskCompletionSource<(double, double)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = system.ActorOf(Props.Create(() => new Parent(children, done)));
        parent.Tell(Parent.Go.Instance);
        var measured = await done.Task;
        await parent.GracefulStop(TimeSpan.FromSeconds(60));
        return measured;
    }

    private sealed class Parent(int children, TaskCompletionSource<(double, double)> done) : UntypedActor
    {
        private static readonly Props ChildProps = Props.CreateBy(new ChildProducer());
        private long _started;
        private long _allocatedBefore;
        private int _up;

        protected override void OnReceive(object message)
        {
            if (message is Go)
            {
                _allocatedBefore = GC.GetTotalAllocatedBytes();
                _started = Stopwatch.GetTimestamp();
                for (int i = 0; i < children; i++)
                {
                    Context.ActorOf(ChildProps, "child-" + i);
                }
            }
            else if (message is Child.Up && ++_up == children)
            {
                done.TrySetResult((Stopwatch.GetElapsedTime(_started).TotalMilliseconds, (GC.GetTotalAllocatedBytes() - _allocatedBefore) / 1e6));
            }
        }

        public sealed class Go
        {
            public static readonly Go Instance = new();
        }
    }

    private sealed class Child : UntypedActor
    {
        protected override void PreStart() => Context.Parent.Tell(Up.Instance);

        protected override void OnReceive(object message)
        {
        }

        public sealed class Up
        {
            public static readonly Up Instance = new();
        }
    }

    private sealed class ChildProducer : IIndirectActorProducer
    {
        public Type ActorType => typeof(Child);

        public ActorBase Produce() => new Child();

        public void Release(ActorBase actor)
        {
        }
    }
}
