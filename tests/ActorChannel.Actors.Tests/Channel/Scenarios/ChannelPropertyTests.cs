using System.Collections.Concurrent;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
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
/// Random sequences of connect results, connection losses, GOAWAYs, address updates and time: after every step
/// only allowed transitions happened, no subchannel or connection is left behind, and the channel state is the
/// aggregate (with sticky TRANSIENT_FAILURE) of its subchannels.
/// </summary>
public class ChannelPropertyTests(ITestOutputHelper output) : ChannelTestBase(output)
{
    private const int Pool = 3;

    public abstract record Op;

    public sealed record NextConnect(int Address, int Outcome) : Op;

    public sealed record Lose(int Address) : Op;

    public sealed record GoAway(int Address) : Op;

    public sealed record Update(int Mask) : Op;

    /// <summary>What every unscripted connect attempt does from now on (0 succeed, 1 fail, 2 hang, 3 connect without SETTINGS).</summary>
    public sealed record Default(int Outcome) : Op;

    public sealed record Advance(int Millis) : Op;

    /// <summary>The resolver's service config switches the load-balancing policy.</summary>
    public sealed record SwitchPolicy(bool RoundRobin) : Op;

    public sealed record Scenario(bool RoundRobin, int InitialMask, Op[] Ops);

    private static Arbitrary<Scenario> Scenarios()
    {
        var address = Gen.Choose(0, Pool - 1);
        var op = Gen.OneOf(
            Gen.Zip(address, Gen.Choose(0, 3), (a, o) => (Op)new NextConnect(a, o)),
            Gen.Zip(address, Gen.Choose(0, 3), (a, o) => (Op)new NextConnect(a, o)),
            Gen.Choose(0, 2).Select(o => (Op)new Default(o)),
            Gen.Choose(0, 2).Select(o => (Op)new Default(o)),
            address.Select(a => (Op)new Lose(a)),
            address.Select(a => (Op)new GoAway(a)),
            Gen.Choose(0, (1 << Pool) - 1).Select(m => (Op)new Update(m)),
            Gen.Elements(true, false).Select(rr => (Op)new SwitchPolicy(rr)),
            Gen.Elements(1, 500, 1000, 1700, 5000, 21000, 130000).Select(ms => (Op)new Advance(ms)));
        var ops = Gen.Choose(0, 30).SelectMany(n => op.ArrayOf(n));
        var scenario = Gen.Zip(Gen.Elements(true, false), Gen.Choose(1, (1 << Pool) - 1))
            .SelectMany(p => ops.Select(o => new Scenario(p.Item1, p.Item2, o)));
        return Arb.From(scenario);
    }

    [Fact]
    public Task Invariants_hold_after_every_step() => Task.Run(() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Scenarios(), scenario => RunAsync(scenario).GetAwaiter().GetResult())));

    private async Task RunAsync(Scenario scenario)
    {
        var transports = new FakeTransportFactory();
        var transitions = new ConcurrentQueue<SubchannelTransition>();
        var resolver = new ManualResolver(new ResolutionResult(Pick(scenario.InitialMask)));
        var options = Options(scenario.RoundRobin ? "round_robin" : "pick_first") with
        {
            TransportFactory = transports,
            Resolvers = new ResolverRegistry(new ManualResolverFactory(resolver)),
            TransitionObserver = transitions.Enqueue,
        };
        var channel = Watch(ManagedChannel.Dial(Sys, "manual:///property", options));
        var current = Pick(scenario.InitialMask);
        try
        {
            await SettleAsync();
            Verify(channel, transports, transitions, current, "after dial");
            foreach (var op in scenario.Ops)
            {
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
                        current = Pick(u.Mask);
                        resolver.Update(current);
                        break;
                    case SwitchPolicy p:
                        resolver.Update(current, "{\"loadBalancingConfig\":[{\"" + (p.RoundRobin ? "round_robin" : "pick_first") + "\":{}}]}");
                        break;
                    case Advance a:
                        await AdvanceAsync(TimeSpan.FromMilliseconds(a.Millis));
                        break;
                }

                await SettleAsync();
                Verify(channel, transports, transitions, current, "after " + op);
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }

        Assert.All(transports.Transports, t => Assert.True(t.IsClosed, $"{t.Address} left open after dispose"));
        var last = transitions.GroupBy(t => t.SubchannelId).Select(g => g.Last().To);
        Assert.All(last, s => Assert.Equal(S.Shutdown, s));
    }

    private static ConnectScript Outcome(int outcome) => outcome switch { 0 => ConnectScript.Succeed, 1 => ConnectScript.Fail(), 2 => ConnectScript.Hang, _ => ConnectScript.SucceedWithoutSettings };

    private static TransportAddress[] Pick(int mask) =>
        Enumerable.Range(0, Pool).Where(i => (mask & (1 << i)) != 0).Select(i => Addr(i + 1)).ToArray();

    private static FakeTransport? Live(FakeTransportFactory transports, int address) =>
        transports.Latest(Addr(address + 1)) is { IsConnected: true, IsClosed: false, GracefullyClosed: false } t ? t : null;

    private static void Verify(ManagedChannel channel, FakeTransportFactory transports, ConcurrentQueue<SubchannelTransition> transitions, TransportAddress[] current, string step)
    {
        var bySubchannel = transitions.GroupBy(t => t.SubchannelId).ToDictionary(g => g.Key, g => g.ToList());
        var effective = new List<S>();
        var liveAddresses = new List<TransportAddress>();
        foreach (var (id, list) in bySubchannel)
        {
            var state = S.Idle;
            var sticky = S.Idle;
            foreach (var t in list)
            {
                Assert.True(t.From == state, $"{step}: subchannel {id} went {t.From} -> {t.To} but was {state}");
                Assert.True(ConnectivityTransitions.IsAllowed(t.From, t.To), $"{step}: subchannel {id} made the forbidden transition {t.From} -> {t.To}");
                state = t.To;
                sticky = sticky == S.TransientFailure && t.To is S.Idle or S.Connecting ? S.TransientFailure : t.To;
            }

            var address = list[0].Address;
            if (state != S.Shutdown)
            {
                Assert.True(current.Contains(address), $"{step}: subchannel {id} of removed address {address} is still {state}");
                liveAddresses.Add(address);
                effective.Add(sticky);
            }
        }

        Assert.True(liveAddresses.Count == liveAddresses.Distinct().Count(), $"{step}: two live subchannels for one address");
        foreach (var group in transports.Transports.GroupBy(t => t.Address))
        {
            Assert.True(group.Count(t => !t.IsClosed) <= 1, $"{step}: more than one open transport to {group.Key}");
            if (!current.Contains(group.Key))
            {
                Assert.All(group, t => Assert.True(t.IsClosed, $"{step}: transport to removed {group.Key} still open"));
            }
        }

        // Subchannels that exist but never left IDLE made no transition: they count as IDLE.
        var silentIdle = current.Count(a => !liveAddresses.Contains(a));
        effective.AddRange(Enumerable.Repeat(S.Idle, silentIdle));
        var expected = current.Length == 0 ? S.TransientFailure : AggregateStateEvaluator.Evaluate(effective);
        Assert.True(expected == channel.State, $"{step}: channel is {channel.State}, its subchannels aggregate to {expected} ({string.Join(", ", effective)})");
    }
}
