using ActorChannel.Kernel;
using ActorChannel.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Kernel;

public sealed class SmokeTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private abstract record Echo;

    private sealed record Say(string Text, ActorRef<string> To) : Echo;

    private sealed record GetCount(ReplyTo<int> ReplyTo) : Echo;

    private sealed record Tick : Echo;

    private sealed record Boom : Echo;

    private sealed record Quit : Echo;

    private sealed class EchoActor : Actor<Echo>
    {
        private int _count;

        protected override void PreStart() => Context.Timers.StartSingleTimer("t", new Tick(), TimeSpan.FromSeconds(5));

        protected override void Receive(Echo message)
        {
            _count++;
            switch (message)
            {
                case Say say:
                    say.To.Tell(say.Text);
                    break;
                case GetCount get:
                    get.ReplyTo.Reply(_count);
                    break;
                case Tick:
                    break;
                case Boom:
                    throw new InvalidOperationException("boom");
                case Quit:
                    Context.StopSelf();
                    break;
            }
        }
    }

    [Fact]
    public async Task Tell_reaches_the_actor_and_its_reply_reaches_the_probe()
    {
        var probe = CreateTestProbe<string>();
        var echo = System.Spawn(Props<Echo>.Create(() => new EchoActor()), "echo");
        Assert.Equal("/user/echo", echo.Path);

        echo.Tell(new Say("hello", probe.Ref));

        Assert.Equal("hello", await probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Ask_returns_the_reply_and_timers_fire_in_virtual_time()
    {
        var echo = System.Spawn(Props<Echo>.Create(() => new EchoActor()), "echo");
        Assert.Equal(1, await echo.Ask<int>(r => new GetCount(r), TimeSpan.FromSeconds(1)));

        await Clock.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(3, await echo.Ask<int>(r => new GetCount(r), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_failed_actor_restarts_with_fresh_state_and_watch_reports_its_stop()
    {
        var probe = CreateTestProbe<string>();
        var echo = System.Spawn(Props<Echo>.Create(() => new EchoActor()), "echo");
        echo.Tell(new Tick());
        echo.Tell(new Boom());

        Assert.Equal(1, await echo.Ask<int>(r => new GetCount(r), TimeSpan.FromSeconds(1)));

        probe.Watch(echo);
        echo.Tell(new Quit());
        await probe.ExpectTerminatedAsync(echo);
    }
}
