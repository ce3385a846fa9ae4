using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

/// <summary>FIFO per sender and one-at-a-time handling, under real concurrency.</summary>
public sealed class OrderingTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private const int Producers = 8;
    private const int PerProducer = 100_000;

    private abstract record Counting;

    private sealed record Item(int Producer, int Sequence) : Counting;

    private sealed record GetReport(ReplyTo<Report> ReplyTo) : Counting;

    private sealed record Report(long Received, int OutOfOrder, int MaxConcurrent, int[] LastSeen);

    /// <summary>Checks each producer's sequence and how many handlers run at once.</summary>
    private sealed class OrderChecker : Actor<Counting>
    {
        private readonly int[] _last = Enumerable.Repeat(-1, Producers).ToArray();
        private int _inHandler;
        private int _maxConcurrent;
        private int _outOfOrder;
        private long _received;

        protected override void Receive(Counting message)
        {
            var inside = Interlocked.Increment(ref _inHandler);
            _maxConcurrent = Math.Max(_maxConcurrent, inside);
            switch (message)
            {
                case Item item:
                    _received++;
                    if (item.Sequence != _last[item.Producer] + 1)
                    {
                        _outOfOrder++;
                    }

                    _last[item.Producer] = item.Sequence;
                    break;
                case GetReport get:
                    get.ReplyTo.Reply(new Report(_received, _outOfOrder, _maxConcurrent, [.. _last]));
                    break;
            }

            Interlocked.Decrement(ref _inHandler);
        }
    }

    /// <summary>Same checks across awaits: the next message must wait for the async handler.</summary>
    private sealed class AsyncOrderChecker : AsyncActor<Counting>
    {
        private readonly int[] _last = Enumerable.Repeat(-1, Producers).ToArray();
        private int _inHandler;
        private int _maxConcurrent;
        private int _outOfOrder;
        private long _received;

        protected override async Task ReceiveAsync(Counting message)
        {
            var inside = Interlocked.Increment(ref _inHandler);
            _maxConcurrent = Math.Max(_maxConcurrent, inside);
            if (message is Item item)
            {
                if (item.Sequence % 64 == 0)
                {
                    await Task.Yield();   // really leave the thread now and then
                }

                _received++;
                if (item.Sequence != _last[item.Producer] + 1)
                {
                    _outOfOrder++;
                }

                _last[item.Producer] = item.Sequence;
            }
            else if (message is GetReport get)
            {
                get.ReplyTo.Reply(new Report(_received, _outOfOrder, _maxConcurrent, [.. _last]));
            }

            Interlocked.Decrement(ref _inHandler);
        }
    }

    [Fact]
    public async Task Eight_producers_of_100000_messages_each_are_received_in_order_per_producer_one_at_a_time()
    {
        var checker = System.Spawn(Props<Counting>.Create(() => new OrderChecker()), "checker");

        RunProducers(checker, PerProducer);
        await System.WhenIdleAsync();
        var report = await checker.Ask<Report>(r => new GetReport(r), TimeSpan.FromSeconds(5));

        Assert.Equal((long)Producers * PerProducer, report.Received);
        Assert.Equal(0, report.OutOfOrder);
        Assert.Equal(1, report.MaxConcurrent);
        Assert.All(report.LastSeen, last => Assert.Equal(PerProducer - 1, last));
    }

    [Fact]
    public async Task An_async_actor_also_handles_one_message_at_a_time_in_order()
    {
        const int perProducer = 10_000;
        var checker = System.Spawn(Props<Counting>.Create(() => new AsyncOrderChecker()), "async-checker");

        RunProducers(checker, perProducer);
        await System.WhenIdleAsync();
        var report = await checker.Ask<Report>(r => new GetReport(r), TimeSpan.FromSeconds(5));

        Assert.Equal((long)Producers * perProducer, report.Received);
        Assert.Equal(0, report.OutOfOrder);
        Assert.Equal(1, report.MaxConcurrent);
    }

    /// <summary>Dedicated threads released together, so the producers really race each other.</summary>
    private static void RunProducers(ActorRef<Counting> target, int perProducer)
    {
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, Producers).Select(p => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < perProducer; i++)
            {
                target.Tell(new Item(p, i));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        start.Set();
        threads.ForEach(t => t.Join());
    }
}
