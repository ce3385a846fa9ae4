using ActorChannel.Kernel;
using Xunit;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>
/// Many short mailbox runs racing their producers: a lost wake-up (a message left in an idle mailbox)
/// would leave a rally unfinished. The real-time bound only keeps a broken kernel from hanging the run.
/// Such races are rare per message: this is a smoke test; the benchmarks' longer runs are the real exercise
/// (they found the one fixed in MpscQueue.HasItems).
/// </summary>
public sealed class StressTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 8)]
    [InlineData(true, 1)]
    [InlineData(true, 8)]
    public async Task Every_rally_of_a_busy_ping_pong_finishes(bool preferLocal, int balls)
    {
        const int pairs = 16;
        const int bounces = 10_000;
        await using var system = ActorSystem.Create("stress", new ActorSystemOptions { PreferLocalScheduling = preferLocal });
        var finished = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OneDone()
        {
            if (Interlocked.Increment(ref finished) == pairs * balls)
            {
                allDone.SetResult();
            }
        }

        var servers = new List<ActorRef<int>>();
        for (var i = 0; i < pairs; i++)
        {
            var left = new StrongRef();
            var right = new StrongRef();
            var a = system.Spawn(Props<int>.Create(() => new Bouncer(left, OneDone)), $"a{i}");
            var b = system.Spawn(Props<int>.Create(() => new Bouncer(right, OneDone)), $"b{i}");
            left.Partner = b;
            right.Partner = a;
            servers.Add(a);
        }

        for (var ball = 0; ball < balls; ball++)
        {
            servers.ForEach(s => s.Tell(bounces));
        }

        await allDone.Task.WaitAsync(HangGuard);
        Assert.Equal(pairs * balls, finished);
        Assert.Equal(0, system.DeadLetterCount);
    }

    private sealed class StrongRef
    {
        public ActorRef<int>? Partner;
    }

    private sealed class Bouncer(StrongRef partner, Action done) : Actor<int>
    {
        protected override void Receive(int bouncesLeft)
        {
            if (bouncesLeft == 0)
            {
                done();
            }
            else
            {
                partner.Partner!.Tell(bouncesLeft - 1);
            }
        }
    }
}
