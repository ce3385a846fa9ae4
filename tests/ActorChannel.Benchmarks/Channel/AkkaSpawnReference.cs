using System.Diagnostics;
using Akka.Actor;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>
/// Akka.NET's own floor for a large address update: one parent spawning N trivial children, timed until every
/// child has started. The channel's update makes one subchannel actor per address, so it cannot be faster than this.
/// </summary>
internal static class AkkaSpawnReference
{
    public static async Task<double> MeasureAsync(ActorSystem system, int children)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = system.ActorOf(Props.Create(() => new Parent(children, done)));
        parent.Tell(Parent.Go.Instance);
        double ms = await done.Task;
        await parent.GracefulStop(TimeSpan.FromSeconds(60));
        return ms;
    }

    private sealed class Parent(int children, TaskCompletionSource<double> done) : UntypedActor
    {
        private static readonly Props ChildProps = Props.CreateBy(new ChildProducer());
        private long _started;
        private int _up;

        protected override void OnReceive(object message)
        {
            if (message is Go)
            {
                _started = Stopwatch.GetTimestamp();
                for (int i = 0; i < children; i++)
                {
                    Context.ActorOf(ChildProps, "child-" + i);
                }
            }
            else if (message is Child.Up && ++_up == children)
            {
                done.TrySetResult(Stopwatch.GetElapsedTime(_started).TotalMilliseconds);
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
