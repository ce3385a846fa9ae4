using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class AsyncActorTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private abstract record Job;

    private sealed record Wait(Task Gate, string Label) : Job;

    private sealed record FailAfter(Task Gate) : Job;

    private sealed record Report(ReplyTo<string[]> ReplyTo) : Job;

    private sealed class Worker(List<string> created) : AsyncActor<Job>
    {
        private readonly List<string> _done = [];

        protected override void PreStart() => created.Add("created");

        protected override async Task ReceiveAsync(Job message)
        {
            switch (message)
            {
                case Wait wait:
                    await wait.Gate.ConfigureAwait(false);
                    _done.Add(wait.Label);
                    break;
                case FailAfter fail:
                    await fail.Gate.ConfigureAwait(false);
                    throw new InvalidOperationException("async failure");
                case Report report:
                    report.ReplyTo.Reply([.. _done]);
                    break;
            }
        }
    }

    [Fact]
    public async Task The_system_is_not_idle_while_an_async_handler_runs_and_later_messages_wait_for_it()
    {
        var created = new List<string>();
        var worker = System.Spawn(Props<Job>.Create(() => new Worker(created)), "worker");
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        worker.Tell(new Wait(first.Task, "first"));
        worker.Tell(new Wait(second.Task, "second"));

        var idle = System.WhenIdleAsync();
        second.SetResult();   // the second handler has not started: nothing happens yet
        Assert.False(idle.IsCompleted);
        first.SetResult();
        await idle;

        Assert.Equal(["first", "second"], await worker.Ask<string[]>(r => new Report(r), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_faulted_async_handler_is_supervised_like_a_throwing_one()
    {
        var created = new List<string>();
        var worker = System.Spawn(Props<Job>.Create(() => new Worker(created)), "worker");
        var gate = new TaskCompletionSource();
        worker.Tell(new Wait(Task.CompletedTask, "before"));
        worker.Tell(new FailAfter(gate.Task));
        worker.Tell(new Wait(Task.CompletedTask, "after"));

        gate.SetResult();
        await System.WhenIdleAsync();

        Assert.Equal(["created", "created"], created);
        Assert.Equal(["after"], await worker.Ask<string[]>(r => new Report(r), TimeSpan.FromSeconds(5)));
    }
}
