using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class AskTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private abstract record Question;

    private sealed record Double(int Value, ReplyTo<int> ReplyTo) : Question;

    private sealed record Ignore(ReplyTo<int> ReplyTo) : Question;

    private sealed record Refuse(ReplyTo<int> ReplyTo) : Question;

    private sealed record ReplyTwice(ReplyTo<int> ReplyTo) : Question;

    private sealed record Quit : Question;

    private sealed class Answerer : Actor<Question>
    {
        protected override void Receive(Question message)
        {
            switch (message)
            {
                case Double d:
                    d.ReplyTo.Reply(d.Value * 2);
                    break;
                case Refuse r:
                    r.ReplyTo.Fail(new InvalidOperationException("no"));
                    break;
                case ReplyTwice twice:
                    twice.ReplyTo.Reply(1);
                    twice.ReplyTo.Reply(2);
                    twice.ReplyTo.Fail(new InvalidOperationException("too late"));
                    break;
                case Quit:
                    Context.StopSelf();
                    break;
                case Ignore:
                    break;
            }
        }
    }

    private ActorRef<Question> SpawnAnswerer() => System.Spawn(Props<Question>.Create(() => new Answerer()), "answerer");

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var answerer = SpawnAnswerer();

        Assert.Equal(42, await answerer.Ask<int>(r => new Double(21, r), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Ask_times_out_in_virtual_time_naming_the_actor_and_the_message_type()
    {
        var answerer = SpawnAnswerer();
        var ask = answerer.Ask<int>(r => new Ignore(r), TimeSpan.FromSeconds(5));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.False(ask.IsCompleted);
        await Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => ask);
        Assert.Equal("Ask to /user/answerer with message Ignore timed out after 00:00:05", error.Message);
    }

    [Fact]
    public async Task Ask_is_cancelled_by_its_token()
    {
        var answerer = SpawnAnswerer();
        using var cts = new CancellationTokenSource();
        var ask = answerer.Ask<int>(r => new Ignore(r), TimeSpan.FromSeconds(5), cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_with_an_already_cancelled_token_does_not_send()
    {
        var answerer = SpawnAnswerer();
        var sent = 0;

        var ask = answerer.Ask<int>(r => { sent++; return new Ignore(r); }, TimeSpan.FromSeconds(5), new CancellationToken(true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Equal(0, sent);
    }

    [Fact]
    public async Task Fail_faults_the_ask_and_the_first_answer_wins()
    {
        var answerer = SpawnAnswerer();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => answerer.Ask<int>(r => new Refuse(r), TimeSpan.FromSeconds(5)));
        Assert.Equal("no", error.Message);
        Assert.Equal(1, await answerer.Ask<int>(r => new ReplyTwice(r), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_becomes_a_dead_letter_and_times_out()
    {
        var probe = CreateTestProbe<int>();
        var answerer = SpawnAnswerer();
        probe.Watch(answerer);
        answerer.Tell(new Quit());
        await probe.ExpectTerminatedAsync(answerer);
        var before = System.DeadLetterCount;

        var ask = answerer.Ask<int>(r => new Double(1, r), TimeSpan.FromSeconds(5));
        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<TimeoutException>(() => ask);
        Assert.Equal(before + 1, System.DeadLetterCount);
    }

    [Fact]
    public void Ask_rejects_a_non_positive_timeout()
    {
        var answerer = SpawnAnswerer();

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = answerer.Ask<int>(r => new Ignore(r), TimeSpan.Zero); });
    }
}
