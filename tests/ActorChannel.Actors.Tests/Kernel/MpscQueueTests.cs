using ActorChannel.Kernel;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>The mailbox's lock-free queue on its own: FIFO against a model, and per-producer order under races.</summary>
public sealed class MpscQueueTests
{
    [Fact]
    public void Any_interleaving_of_enqueues_and_dequeues_behaves_like_a_FIFO_queue()
    {
        // true = enqueue the next number, false = dequeue; long runs of enqueues force rings to freeze and grow.
        var operations = Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false))).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(operations), ops =>
        {
            var queue = new MpscQueue<int>();
            var model = new Queue<int>();
            var next = 0;
            foreach (var enqueue in ops)
            {
                if (enqueue)
                {
                    queue.Enqueue(next);
                    model.Enqueue(next++);
                }
                else
                {
                    var expected = model.TryDequeue(out var m);
                    Assert.Equal(expected, queue.TryDequeue(out var actual));
                    if (expected)
                    {
                        Assert.Equal(m, actual);
                    }
                }

                Assert.Equal(model.Count > 0, queue.HasItems());
            }

            while (model.TryDequeue(out var rest))
            {
                Assert.True(queue.TryDequeue(out var actual));
                Assert.Equal(rest, actual);
            }

            Assert.False(queue.TryDequeue(out _));
        }));
    }

    [Fact]
    public void Concurrent_producers_keep_their_own_order_and_lose_nothing_while_the_queue_grows()
    {
        const int producers = 4;
        const int each = 200_000;
        var queue = new MpscQueue<(int Producer, int Sequence)>();
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < each; i++)
            {
                queue.Enqueue((p, i));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        start.Set();

        var last = Enumerable.Repeat(-1, producers).ToArray();
        var received = 0;
        while (received < producers * each)
        {
            if (queue.TryDequeue(out var item))
            {
                Assert.Equal(last[item.Producer] + 1, item.Sequence);
                last[item.Producer] = item.Sequence;
                received++;
            }
            else
            {
                Thread.Yield();   // the consumer outpaced the producers; not a wait for time
            }
        }

        threads.ForEach(t => t.Join());
        Assert.False(queue.TryDequeue(out _));
        Assert.All(last, l => Assert.Equal(each - 1, l));
    }
}
