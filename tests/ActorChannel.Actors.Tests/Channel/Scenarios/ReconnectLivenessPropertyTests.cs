using ActorChannel.Client;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;
using S = Grpc.Core.ConnectivityState;

namespace ActorChannel.Actors.Tests.Client.Scenarios;

/// <summary>
/// Liveness, beside the safety of <see cref="ChannelPropertyTests"/>: after any random history of connect results,
/// losses, GOAWAYs, re-reported, reordered and changed address lists and time, a channel whose connects now all fail
/// keeps trying. No subchannel that should reconnect sits in IDLE (the CI stall: IDLE after a backoff, then nothing),
/// and none goes quiet for longer than a connect deadline plus a backoff can explain.
/// </summary>
public class ReconnectLivenessPropertyTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private const int Pool = 3;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    public abstract record Op;

    public sealed record NextConnect(int Address, int Outcome) : Op;

    public sealed record Default(int Outcome) : Op;

    public sealed record Lose(int Address) : Op;

    public sealed record GoAway(int Address) : Op;

    /// <summary>A new list: the addresses in <paramref name="Mask"/>, rotated by <paramref name="Rotate"/>.</summary>
    public sealed record Update(int Mask, int Rotate) : Op;

    /// <summary>The resolver pushes the list it already gave.</summary>
    public sealed record Repeat : Op;

    /// <summary>The resolver's service config switches the policy (a later Update or Repeat, without one, switches back).</summary>
    public sealed record SwitchPolicy(bool RoundRobin) : Op;

    /// <summary>Resolution fails until the next Update or Repeat (the balancer keeps its addresses).</summary>
    public sealed record ResolverFails : Op;

    /// <summary>A call arrives (it takes an idle pick_first out of IDLE).</summary>
    public sealed record Call : Op;

    public sealed record Advance(int Millis) : Op;

    public sealed record Scenario(bool RoundRobin, int InitialMask, Op[] Ops)
    {
        public override string ToString() => $"{(RoundRobin ? "round_robin" : "pick_first")} mask {InitialMask}: {string.Join(", ", Ops.Select(o => o.ToString()))}";
    }

    private static Arbitrary<Scenario> Scenarios()
    {
        var address = Gen.Choose(0, Pool - 1);
        var op = Gen.OneOf(
            Gen.Zip(address, Gen.Choose(0, 3), (a, o) => (Op)new NextConnect(a, o)),
            Gen.Choose(0, 2).Select(o => (Op)new Default(o)),
            address.Select(a => (Op)new Lose(a)),
            address.Select(a => (Op)new GoAway(a)),
            Gen.Zip(Gen.Choose(1, (1 << Pool) - 1), Gen.Choose(0, Pool - 1), (m, r) => (Op)new Update(m, r)),
            Gen.Zip(Gen.Choose(0, (1 << Pool) - 1), Gen.Choose(0, Pool - 1), (m, r) => (Op)new Update(m, r)),
            Gen.Elements(true, false).Select(rr => (Op)new SwitchPolicy(rr)),
            Gen.Constant((Op)new ResolverFails()),
            Gen.Constant((Op)new Repeat()),
            Gen.Constant((Op)new Repeat()),
            Gen.Constant((Op)new Call()),
            Gen.Elements(1, 500, 1000, 1700, 5000, 21000, 130000).Select(ms => (Op)new Advance(ms)),
            Gen.Elements(1, 500, 1000, 1700, 5000, 21000, 130000).Select(ms => (Op)new Advance(ms)));
        var ops = Gen.Choose(0, 30).SelectMany(n => op.ArrayOf(n));
        var scenario = Gen.Zip(Gen.Elements(true, false), Gen.Choose(1, (1 << Pool) - 1))
            .SelectMany(p => ops.Select(o => new Scenario(p.Item1, p.Item2, o)));
        return Arb.From(scenario);
    }

    /// <summary>100 cases by default; LIVENESS_N=20000 (about 20 s) when hunting (the stalls guarded by Regression/PickFirstReadyThenFailedTests turned up within 2,000).</summary>
    [Fact]
    public Task Failing_connects_keep_being_retried_after_any_history() => Task.Run(() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(int.Parse(Environment.GetEnvironmentVariable("LIVENESS_N") ?? "100")), Prop.ForAll(Scenarios(), scenario => RunAsync(scenario).GetAwaiter().GetResult())));

    private async Task RunAsync(Scenario scenario)
    {
        var transports = new FakeTransportFactory();
        var log = new List<(DateTimeOffset At, SubchannelTransition T)>();
        var current = Pick(scenario.InitialMask, 0);
        var resolver = new ManualResolver(new ResolutionResult(current));
        var options = Options(scenario.RoundRobin ? "round_robin" : "pick_first") with
        {
            TransportFactory = transports,
            Resolvers = new ResolverRegistry(new ManualResolverFactory(resolver)),
            TransitionObserver = t =>
            {
                lock (log)
                {
                    log.Add((Clock.Now, t));
                }
            },
        };
        var channel = Watch(ManagedChannel.Dial(Sys, "manual:///liveness", options));
        bool roundRobin = scenario.RoundRobin;
        var freshFrom = new HashSet<int>();
        try
        {
            await SettleAsync();
            foreach (var op in scenario.Ops)
            {
                if (op is Update or Repeat or SwitchPolicy)
                {
                    // Addresses may come back on fresh subchannels, with no backoff: a new start for each.
                    freshFrom.Add(Snapshot(log).Length);
                }

                switch (op)
                {
                    case NextConnect c:
                        transports.Script(Addr(c.Address + 1), Outcome(c.Outcome));
                        break;
                    case Default d:
                        transports.DefaultScript = Outcome(d.Outcome);
                        break;
                    case Lose l when Live(transports, l.Address) is { } t:
                        t.Lose();
                        break;
                    case GoAway g when Live(transports, g.Address) is { } t:
                        t.GoAway();
                        break;
                    case Update u:
                        current = Pick(u.Mask, u.Rotate);
                        resolver.Update(current);
                        roundRobin = scenario.RoundRobin;
                        break;
                    case Repeat:
                        resolver.Update(current);
                        roundRobin = scenario.RoundRobin;
                        break;
                    case SwitchPolicy p:
                        resolver.Update(current, "{\"loadBalancingConfig\":[{\"" + (p.RoundRobin ? "round_robin" : "pick_first") + "\":{}}]}");
                        roundRobin = p.RoundRobin;
                        break;
                    case ResolverFails:
                        resolver.Fail(new InvalidOperationException("lookup failed"));
                        break;
                    case Call:
                        StartCall(channel);
                        break;
                    case Advance a:
                        await AdvanceAsync(TimeSpan.FromMilliseconds(a.Millis));
                        break;
                }

                await SettleAsync();
            }

            // From here on every unscripted connect fails; the channel must keep trying for as long as we watch.
            transports.DefaultScript = ConnectScript.Fail();
            var start = Clock.Now;
            for (var watched = TimeSpan.Zero; watched < 2 * Window; watched += Step)
            {
                if (channel.State == S.Idle)
                {
                    StartCall(channel);
                }

                await AdvanceAsync(Step);
                await SettleAsync();
            }

            var history = Snapshot(log);
            Verify(roundRobin, channel, history, start);
            VerifyBackoffPerAddress(history, freshFrom);
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    private void Verify(bool roundRobin, ManagedChannel channel, (DateTimeOffset At, SubchannelTransition T)[] log, DateTimeOffset start)
    {
        var now = Clock.Now;
        var detail = string.Join("\n", log.Select(x => $"  {x.At:HH:mm:ss.fff} #{x.T.SubchannelId} {x.T.Address} {x.T.From} -> {x.T.To} ({x.T.Reason})"));
        bool pickFirstSettled = !roundRobin && channel.State is S.Ready or S.Idle;
        foreach (var sc in channel.GetSubchannels())
        {
            if (sc.State == S.Ready || pickFirstSettled)
            {
                continue;
            }

            var mine = log.Where(x => x.T.SubchannelId == sc.Id).ToArray();
            var lastAt = mine.Length > 0 ? mine[^1].At : start;
            Assert.True(
                now - lastAt < Window,
                $"subchannel {sc.Id} {sc.Address} has been {sc.State} since {lastAt:HH:mm:ss.fff} (now {now:HH:mm:ss.fff}, channel {channel.State}):\n{detail}");

            // Once connects fail at once, an IDLE that the policy should reconnect is reconnected at the same instant.
            for (int i = 0; i < mine.Length - 1; i++)
            {
                if (mine[i].At >= start + Window && mine[i].T.To == S.Idle)
                {
                    Assert.True(
                        mine[i + 1].At == mine[i].At,
                        $"subchannel {sc.Id} {sc.Address} went IDLE at {mine[i].At:HH:mm:ss.fff} and next moved at {mine[i + 1].At:HH:mm:ss.fff}:\n{detail}");
                }
            }
        }
    }

    /// <summary>
    /// Safety beside liveness: an address whose attempt failed is not attempted again, by any subchannel, before the
    /// shortest first backoff (1 s - 20 %), unless an address update or policy switch came between (it may re-add
    /// the address on a fresh subchannel: log indexes in <paramref name="freshFrom"/>).
    /// A pick_first selection that replaced a backing-off subchannel by a fresh one broke this (a reconnect storm).
    /// </summary>
    private static void VerifyBackoffPerAddress((DateTimeOffset At, SubchannelTransition T)[] log, HashSet<int> freshFrom)
    {
        var failedAt = new Dictionary<TransportAddress, DateTimeOffset>();
        for (int i = 0; i < log.Length; i++)
        {
            var (at, t) = log[i];
            if (freshFrom.Contains(i))
            {
                failedAt.Clear();
            }

            if (t.To == S.TransientFailure)
            {
                failedAt[t.Address] = at;
            }
            else if (t.From == S.Idle && t.To == S.Connecting && failedAt.TryGetValue(t.Address, out var failed))
            {
                Assert.True(
                    at - failed >= TimeSpan.FromSeconds(0.8),
                    $"{t.Address} attempted again (subchannel {t.SubchannelId}) {(at - failed).TotalSeconds} s after its failed attempt:\n"
                    + string.Join("\n", log.Where(x => x.T.Address == t.Address).Select(x => $"  {x.At:HH:mm:ss.fff} #{x.T.SubchannelId} {x.T.From} -> {x.T.To} ({x.T.Reason})")));
            }
        }
    }

    private void StartCall(ManagedChannel channel)
    {
        var call = CallAsync(channel, waitForReady: true, deadline: Clock.Now + TimeSpan.FromSeconds(1));
        _ = call.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

    private static (DateTimeOffset, SubchannelTransition)[] Snapshot(List<(DateTimeOffset, SubchannelTransition)> log)
    {
        lock (log)
        {
            return log.ToArray();
        }
    }

    private static ConnectScript Outcome(int outcome) => outcome switch { 0 => ConnectScript.Succeed, 1 => ConnectScript.Fail(), 2 => ConnectScript.Hang, _ => ConnectScript.SucceedWithoutSettings };

    private static TransportAddress[] Pick(int mask, int rotate)
    {
        var chosen = Enumerable.Range(0, Pool).Where(i => (mask & (1 << i)) != 0).Select(i => Addr(i + 1)).ToArray();
        int r = chosen.Length == 0 ? 0 : rotate % chosen.Length;
        return chosen.Skip(r).Concat(chosen.Take(r)).ToArray();
    }

    private static FakeTransport? Live(FakeTransportFactory transports, int address) =>
        transports.Latest(Addr(address + 1)) is { IsConnected: true, IsClosed: false, GracefullyClosed: false } t ? t : null;
}
