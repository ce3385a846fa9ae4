using ActorChannel.Actors.Tests.Resolution;
using ActorChannel.Client.Protocol;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorChannel.Client.Protocol.ChannelMessage;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>
/// The resolver actor's refresh (ResolutionResult.Refresh): a timer on the system's scheduler, here the TestScheduler,
/// moved one interval at a time once the actor has armed it. A probe stands in for the channel.
/// </summary>
public sealed class ResolverRefreshTests(ITestOutputHelper output) : ChannelTestKit(output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HalfMinute = TimeSpan.FromSeconds(30);
    private readonly ScriptedResolver _resolver = new();

    private static TransportAddress Addr(int n) => TransportAddress.Tcp("127.0.0.1", 50000 + n);

    private static ResolutionResult Answer(RefreshSchedule? refresh, params TransportAddress[] addresses) =>
        new(addresses) { Refresh = refresh };

    private HostedResolver Start() => HostedResolver.Start(this, LoggerFactory, _ => _resolver);

    /// <summary>
    /// Until the actor has handled what an answer told it. Two rounds: an answer given while the actor is still in
    /// the handler that asked may be told to it after the first Identify; it is in the mailbox before the second.
    /// </summary>
    private void Settle(IActorRef actor)
    {
        for (var round = 0; round < 2; round++)
        {
            actor.Tell(new Identify(round), TestActor);
            ExpectMsg<ActorIdentity>();
        }
    }

    private static void ExpectAddresses(HostedResolver host, params TransportAddress[] addresses) =>
        Assert.Equal(addresses, host.Channel.ExpectMsg<AddressesUpdated>(PushProbe.Deadline).Addresses);

    [Fact]
    public async Task An_answers_refresh_is_a_timer_on_the_scheduler_that_resolves_again()
    {
        var host = Start();
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(Minute), Addr(1)));
        ExpectAddresses(host, Addr(1));

        // Armed before the answer went on, for the answer's delay.
        Assert.Equal(Clock.Now + Minute, NextDueFor(host.Actor));
        Clock.Advance(Minute);

        await _resolver.AnswerAsync(Answer(new RefreshSchedule(Minute), Addr(1), Addr(2)));
        ExpectAddresses(host, Addr(1), Addr(2));
        Assert.Equal(2, _resolver.Calls);
        Assert.Equal(Clock.Now + Minute, NextDueFor(host.Actor));
    }

    [Fact]
    public async Task An_unchanged_refresh_sends_nothing_and_looks_again_on_schedule()
    {
        var host = Start();
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1).WithAttribute("weight", "5")));
        ExpectAddresses(host, Addr(1));

        Clock.Advance(HalfMinute);
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1).WithAttribute("weight", "5")));
        Settle(host.Actor);
        host.Channel.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(Clock.Now + HalfMinute, NextDueFor(host.Actor));

        // Equal endpoints with another attribute are a change; it is the next thing the channel hears.
        Clock.Advance(HalfMinute);
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1).WithAttribute("weight", "9")));
        Assert.Equal("9", host.Channel.ExpectMsg<AddressesUpdated>(PushProbe.Deadline).Addresses[0].Attributes["weight"]);
    }

    [Fact]
    public async Task A_failed_refresh_is_reported_keeps_the_addresses_and_looks_again_after_its_failure_wait()
    {
        var host = Start();
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(Minute, afterFailure: HalfMinute), Addr(1)));
        ExpectAddresses(host, Addr(1));

        Clock.Advance(Minute);
        await _resolver.FailAsync(new NameResolutionException("dns: 'svc' does not exist"));
        Assert.Contains("'svc' does not exist", host.Channel.ExpectMsg<ResolverError>(PushProbe.Deadline).Error, StringComparison.Ordinal);

        // The failure wait, not the 1 s failure backoff, and re-armed before the error was reported.
        Assert.Equal(Clock.Now + HalfMinute, NextDueFor(host.Actor));
        host.Channel.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Clock.Advance(HalfMinute);
        await _resolver.FailAsync(new NameResolutionException("still down"));
        host.Channel.ExpectMsg<ResolverError>(PushProbe.Deadline);
        Assert.Equal(Clock.Now + HalfMinute, NextDueFor(host.Actor));

        Clock.Advance(HalfMinute);
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(Minute, afterFailure: HalfMinute), Addr(2)));
        ExpectAddresses(host, Addr(2));
        Assert.Equal(Clock.Now + Minute, NextDueFor(host.Actor));
    }

    [Fact]
    public async Task A_refresh_due_while_a_resolution_runs_is_skipped_so_lookups_never_overlap()
    {
        var host = Start();
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1)));
        ExpectAddresses(host, Addr(1));

        host.Actor.Tell(ResolverMessage.ResolveNow.Instance);
        Settle(host.Actor);
        Assert.Equal(2, _resolver.Calls);
        Clock.Advance(HalfMinute);
        Settle(host.Actor);
        Assert.Equal(2, _resolver.Calls);

        // Asked for, so passed on even though unchanged; its schedule is the refresh from now on.
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1)));
        ExpectAddresses(host, Addr(1));
        Assert.Equal(Clock.Now + HalfMinute, NextDueFor(host.Actor));
        Assert.False(_resolver.Overlapped);
    }

    [Fact]
    public async Task An_answer_without_a_schedule_or_the_actor_stopping_ends_the_refresh()
    {
        var host = Start();
        await _resolver.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(1)));
        ExpectAddresses(host, Addr(1));
        host.Actor.Tell(ResolverMessage.ResolveNow.Instance);
        await _resolver.AnswerAsync(Answer(null, Addr(1)));
        ExpectAddresses(host, Addr(1));
        Assert.Null(NextDueFor(host.Actor));

        var stopped = HostedResolver.Start(this, LoggerFactory, _ => new ScriptedResolver());
        var second = (ScriptedResolver)stopped.Resolver;
        await second.AnswerAsync(Answer(new RefreshSchedule(HalfMinute), Addr(2)));
        ExpectAddresses(stopped, Addr(2));
        Assert.Equal(Clock.Now + HalfMinute, NextDueFor(stopped.Actor));

        await stopped.StopAsync(this);
        Assert.Null(NextDueFor(stopped.Actor));
        Assert.True(second.Disposed);
        Clock.Advance(HalfMinute);
        Assert.Equal(1, second.Calls);
    }

    [Fact]
    public void A_schedule_must_wait_some_time()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefreshSchedule(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefreshSchedule(Minute, afterFailure: TimeSpan.Zero));
        Assert.Equal(Minute, new RefreshSchedule(Minute).AfterFailure);
    }
}
