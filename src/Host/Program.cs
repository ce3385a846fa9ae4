// Placeholder main job: a small tour of the actor kernel. A pinger and a ponger exchange messages, a
// periodic timer reports progress, a flaky child is restarted by its supervisor, and death watch ends the run.
using ActorChannel.Kernel;
using Microsoft.Extensions.Logging;

using var loggerFactory = LoggerFactory.Create(builder => builder
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(options => options.SingleLine = true));

await using var system = ActorSystem.Create("demo", new ActorSystemOptions { LoggerFactory = loggerFactory });
var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
system.Spawn(Props<Demo.Monitor>.Create(() => new Demo.MonitorActor(done)), "monitor");

var rounds = await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
await system.TerminateAsync();
Console.WriteLine($"demo: {rounds} ping-pong rounds, {system.DeadLetterCount} dead letters; all actors stopped.");
return 0;

namespace Demo
{
    public abstract record Monitor;

    public sealed record Report : Monitor;

    public sealed record PingerDone(int Rounds) : Monitor;

    public sealed record PingerStopped : Monitor;

    public abstract record Pinger;

    public sealed record Pong(int N) : Pinger;

    public sealed record Ping(int N, ActorRef<Pinger> ReplyTo);

    /// <summary>Supervises the pinger, reports on a timer, and watches the pinger to know when to finish.</summary>
    public sealed class MonitorActor(TaskCompletionSource<int> done) : Actor<Monitor>
    {
        private ActorRef<Pinger>? _pinger;
        private int _rounds;
        private int _ticks;

        protected override void PreStart()
        {
            var ponger = Context.Spawn(Props<Ping>.Create(() => new PongerActor()), "ponger");
            _pinger = Context.Spawn(Props<Pinger>.Create(() => new PingerActor(ponger, Context.Self, 30_000)), "pinger");
            Context.WatchWith(_pinger, new PingerStopped());
            Context.Timers.StartPeriodicTimer("report", new Report(), TimeSpan.FromMilliseconds(20));
            Console.WriteLine($"{Context.Self.Path}: started {ponger.Path} and {_pinger.Path}");
        }

        protected override void Receive(Monitor message)
        {
            switch (message)
            {
                case Report:
                    Console.WriteLine($"{Context.Self.Path}: periodic timer tick #{++_ticks}");
                    break;
                case PingerDone finished:
                    _rounds = finished.Rounds;
                    Console.WriteLine($"{Context.Self.Path}: pinger finished {finished.Rounds} rounds");
                    break;
                case PingerStopped:
                    Context.Timers.CancelAll();
                    Console.WriteLine($"{Context.Self.Path}: death watch says {_pinger!.Path} terminated");
                    done.TrySetResult(_rounds);
                    break;
            }
        }
    }

    /// <summary>Sends pings one at a time; throws once on purpose to show a supervised restart.</summary>
    public sealed class PingerActor(ActorRef<Ping> ponger, ActorRef<Monitor> monitor, int rounds) : Actor<Pinger>
    {
        private static bool s_crashed;

        protected override void PreStart() => ponger.Tell(new Ping(0, Context.Self));

        protected override void PostRestart(Exception reason)
        {
            Console.WriteLine($"{Context.Self.Path}: restarted after '{reason.Message}', resuming the rally");
            ponger.Tell(new Ping(rounds / 2 + 1, Context.Self));
        }

        protected override void PostStop() => Console.WriteLine($"{Context.Self.Path}: PostStop");

        protected override void Receive(Pinger message)
        {
            if (message is not Pong pong)
            {
                return;
            }

            if (pong.N == rounds / 2 && !s_crashed)
            {
                s_crashed = true;
                throw new InvalidOperationException("a deliberate failure halfway");
            }

            if (pong.N >= rounds)
            {
                monitor.Tell(new PingerDone(pong.N));
                Context.StopSelf();
                return;
            }

            ponger.Tell(new Ping(pong.N + 1, Context.Self));
        }
    }

    public sealed class PongerActor : Actor<Ping>
    {
        protected override void Receive(Ping message) => message.ReplyTo.Tell(new Pong(message.N));
    }
}
