using System.Collections;
using System.Reflection;
using ActorChannel.Client;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorChannel.TestKit;

/// <summary>
/// Akka.TestKit's xunit base on virtual time: the system's scheduler is the TestScheduler, so actor timers and every
/// channel's TimeProvider (call deadlines, ConnectAsync timeouts) move only when the test advances them. Adds what
/// Akka.TestKit lacks for channels: waiting until a channel's actors have nothing left to do, and advancing the clock
/// one due timer at a time with that wait in between, so that a timer armed by the previous one's effect is seen.
/// </summary>
public abstract class ChannelTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>The configuration every ChannelTestKit system gets (under any the test adds).</summary>
    public static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = DEBUG
        akka.log-dead-letters-during-shutdown = off
        """);

    private static readonly FieldInfo? ScheduledWork = typeof(TestScheduler).GetField("_scheduledWork", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly TimeSpan SettleGuard = TimeSpan.FromSeconds(30);
    private readonly List<ManagedChannel> _watched = new();

    protected ChannelTestKit(ITestOutputHelper output, Config? config = null)
        : base((config ?? Config.Empty).WithFallback(VirtualTime), "test", output)
    {
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Debug)
            .AddProvider(new TestOutputLoggerProvider(output)));
    }

    /// <summary>For the channels' own log lines (per-transition lines and the like) in the test output.</summary>
    protected ILoggerFactory LoggerFactory { get; }

    protected TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    /// <summary>Makes <see cref="SettleAsync"/> and <see cref="AdvanceAsync"/> wait for this channel too.</summary>
    protected ManagedChannel Watch(ManagedChannel channel)
    {
        _watched.Add(channel);
        return channel;
    }

    /// <summary>
    /// Waits until the actors of every watched channel have handled all they were told: rounds of Identify through the
    /// channel, its resolver, its balancer and each subchannel (mailbox order), until a round in which none of them
    /// handled anything else. Work that is not in a mailbox yet (a task still running) is not waited for.
    /// </summary>
    protected async Task SettleAsync()
    {
        using var guard = new CancellationTokenSource(SettleGuard);
        foreach (var channel in _watched.ToArray())
        {
            await channel.WhenQuietAsync(Sys, guard.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves virtual time by <paramref name="by"/>, stopping at each due timer on the way and settling after it, as
    /// real time would let the actors react before the next one.
    /// </summary>
    protected async Task AdvanceAsync(TimeSpan by)
    {
        var target = Clock.Now + by;
        await SettleAsync().ConfigureAwait(false);
        while (NextDue() is { } due && due <= target)
        {
            if (due > Clock.Now)
            {
                Clock.AdvanceTo(due);
            }
            else
            {
                Clock.Advance(TimeSpan.Zero);
            }

            await SettleAsync().ConfigureAwait(false);
        }

        if (target > Clock.Now)
        {
            Clock.AdvanceTo(target);
        }

        await SettleAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The earliest due time the TestScheduler holds. It has no public way to say, so this reads its work, keyed by due
    /// ticks, and fails loudly if an Akka upgrade renames it (else AdvanceAsync would jump over timers silently).
    /// </summary>
    private DateTimeOffset? NextDue() => Earliest(ScheduledEntries().Where(entry => entry.Items.Count > 0).Select(entry => entry.Ticks));

    /// <summary>
    /// When the next message the TestScheduler holds for <paramref name="receiver"/> is due, leaving out cancelled
    /// ones: the actor's next timer (Akka's timers are messages to the actor itself), which timers of other kinds
    /// (a lookup's timeout on the channel's clock) cannot hide. Null when it has none.
    /// </summary>
    protected DateTimeOffset? NextDueFor(IActorRef receiver) => Earliest(ScheduledEntries()
        .Where(entry => entry.Items.Cast<object>().Any(item => IsLiveMessageTo(item, receiver)))
        .Select(entry => entry.Ticks));

    private static DateTimeOffset? Earliest(IEnumerable<long> ticks) =>
        ticks.Select(t => (long?)t).Min() is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    private List<(long Ticks, ICollection Items)> ScheduledEntries()
    {
        if (ScheduledWork?.GetValue(Clock) is not IDictionary work)
        {
            throw new InvalidOperationException("Akka.TestKit's TestScheduler no longer keeps its work in _scheduledWork: update ChannelTestKit.NextDue.");
        }

        var entries = new List<(long, ICollection)>();
        foreach (DictionaryEntry entry in work)
        {
            if (entry.Key is long ticks && entry.Value is ICollection items)
            {
                entries.Add((ticks, items));
            }
        }

        return entries;
    }

    private static bool IsLiveMessageTo(object item, IActorRef receiver)
    {
        // An action (a TimeProvider timer) has no receiver.
        var type = item.GetType();
        if (type.GetProperty("Receiver") is not { } to || type.GetProperty("Cancelable") is not { } cancelable)
        {
            throw new InvalidOperationException("Akka.TestKit's scheduled items no longer have Receiver and Cancelable: update ChannelTestKit.NextDueFor.");
        }

        return receiver.Equals(to.GetValue(item)) && cancelable.GetValue(item) is not ICancelable { IsCancellationRequested: true };
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        LoggerFactory.Dispose();
    }
}
