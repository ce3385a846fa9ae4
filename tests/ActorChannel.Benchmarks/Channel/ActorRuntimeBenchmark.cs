using Grpc.Core;
using System.Diagnostics;
using System.Globalization;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Akka.Actor;
using Akka.Configuration;

namespace ActorChannel.Benchmarks.Channel;

/// <summary>
/// What the actor runtime costs the channel, on Akka's real scheduler and dispatcher, over fake transports (so the
/// figures are the actors' and pickers' own, not a network's):
/// <list type="bullet">
/// <item>from a READY connection's loss (the transport's Closed event) to the new picker that calls read, p50/p99;</item>
/// <item>a 10,000-address update applied: every subchannel made and a picker over all 10,000 READY published;</item>
/// <item>retained memory per idle channel with 3 subchannels, and per subchannel added.</item>
/// </list>
/// <c>dotnet run -c Release --project tests/ActorChannel.Benchmarks -- actors [--losses 2000] [--updates 10] [--channels 200] [--hold-idle SECONDS]</c>
/// </summary>
public static class ActorRuntimeBenchmark
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.log-dead-letters = off");

    public static async Task<int> RunAsync(string[] args)
    {
        int losses = Arg(args, "--losses", 2000);
        int updates = Arg(args, "--updates", 10);
        int channels = Arg(args, "--channels", 200);
        int hold = Arg(args, "--hold-idle", 0);
        // The large update is mostly garbage collection of 10,000 young actors: say which collector ran it.
        var gc = (System.Runtime.GCSettings.IsServerGC ? "server" : "workstation") + (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? ", not concurrent" : ", concurrent");
        Console.WriteLine($"# actor runtime benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Akka {typeof(ActorSystem).Assembly.GetName().Version}, {gc} GC");
        using var system = ActorSystem.Create("bench", Quiet);
        if (channels > 0)
        {
            await IdleMemoryAsync(system, channels, TimeSpan.FromSeconds(hold));
        }

        if (losses > 0)
        {
            await LossToPickerAsync(system, losses);
        }

        if (updates > 0)
        {
            await LargeUpdateAsync(system, updates);
        }
        await system.Terminate();
        return 0;
    }

    private static async Task LossToPickerAsync(ActorSystem system, int losses)
    {
        var transports = new FakeTransportFactory();
        var addresses = Enumerable.Range(1, 3).Select(i => TransportAddress.Tcp("127.0.0.1", 50000 + i)).ToArray();
        await using var channel = Dial(system, transports, new ManualResolver(new ResolutionResult(addresses)), "round_robin");
        await channel.ConnectAsync();
        var slot = channel.Runtime.Slot;
        var samples = new double[losses];
        for (int i = 0; i < losses; i++)
        {
            var address = addresses[i % addresses.Length];
            await WaitAsync(() => transports.Latest(address) is { IsConnected: true, IsClosed: false } && channel.State == ConnectivityState.Ready && ReadyCount(channel) == 3);
            var before = slot.Current;
            var lost = transports.Latest(address)!;
            var started = Stopwatch.GetTimestamp();
            lost.Lose();
            while (ReferenceEquals(slot.Current, before))
            {
                Thread.SpinWait(20);
            }

            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        Array.Sort(samples);
        Console.WriteLine(FormattableString.Invariant(
            $"loss-to-picker: {losses} losses, p50 {Percentile(samples, 0.50):0.0} us, p90 {Percentile(samples, 0.90):0.0} us, p99 {Percentile(samples, 0.99):0.0} us, max {samples[^1]:0.0} us"));
    }

    private static async Task LargeUpdateAsync(ActorSystem system, int updates)
    {
        var addresses = Enumerable.Range(0, 10_000).Select(i => TransportAddress.Tcp("127.0.0." + (1 + (i / 5000)), 10_000 + (i % 5000))).ToArray();
        var times = new List<double>();
        var made = new List<double>();
        var akka = new List<double>();
        for (int run = 0; run < updates + 1; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var (akkaMs, akkaMb) = await AkkaSpawnReference.MeasureAsync(system, addresses.Length);

            var resolver = new ManualResolver(new ResolutionResult([addresses[0]]));
            await using var channel = Dial(system, new FakeTransportFactory(), resolver, "round_robin");
            await channel.ConnectAsync();
            // Each run starts from a collected heap, so it does not pay for the garbage the previous channel left.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var pausedBefore = GC.GetTotalPauseDuration();
            int gen2Before = GC.CollectionCount(2);
            long allocatedBefore = GC.GetTotalAllocatedBytes();
            var started = Stopwatch.GetTimestamp();
            resolver.Update(addresses);
            await WaitAsync(() => channel.Runtime.LastSubchannelId >= addresses.Length, poll: true);
            var madeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await WaitAsync(() => channel.Runtime.Slot.Current is { } picker && PickerSize(picker) == addresses.Length, poll: true);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            double allocatedMb = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6;
            Console.WriteLine(FormattableString.Invariant(
                $"  update run {run}: Akka alone spawned {addresses.Length} children in {akkaMs:0.0} ms, {akkaMb:0.0} MB allocated; subchannels made after {madeMs:0.0} ms, picker over all after {ms:0.0} ms; GC paused {paused:0.0} ms, {GC.CollectionCount(2) - gen2Before} gen2, {allocatedMb:0.0} MB allocated"));
            if (run > 0)
            {
                // The first run warms up the JIT.
                times.Add(ms);
                made.Add(madeMs);
                akka.Add(akkaMs);
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"10000-address update: {updates} runs; READY picker over all published: {Summary(times)}; every subchannel made: {Summary(made)}; Akka alone, 10000 children spawned and started: {Summary(akka)}"));
    }

    /// <param name="hold">How long the idle channels stay open once measured, e.g. for <c>dotnet-gcdump collect -p PID</c>.</param>
    private static async Task IdleMemoryAsync(ActorSystem system, int channels, TimeSpan hold)
    {
        var three = Enumerable.Range(1, 3).Select(i => TransportAddress.Tcp("127.0.0.1", 50000 + i)).ToArray();
        var transports = new FakeTransportFactory();

        // One channel first: the actor system's and the JIT's one-time costs are not the channels'.
        var open = new List<ManagedChannel> { Dial(system, transports, new ManualResolver(new ResolutionResult(three)), "round_robin") };
        await open[0].ConnectAsync();
        long before = Retained();
        for (int i = 0; i < channels; i++)
        {
            var channel = Dial(system, transports, new ManualResolver(new ResolutionResult(three)), "round_robin");
            await channel.ConnectAsync();
            await WaitAsync(() => ReadyCount(channel) == 3);
            open.Add(channel);
        }

        long perChannel = (Retained() - before) / channels;
        if (hold > TimeSpan.Zero)
        {
            Console.WriteLine($"idle memory: {channels + 1} idle channels held open for {hold.TotalSeconds} s (pid {Environment.ProcessId})");
            await Task.Delay(hold);
        }

        var resolver = new ManualResolver(new ResolutionResult(three));
        var big = Dial(system, transports, resolver, "round_robin");
        await big.ConnectAsync();
        open.Add(big);
        const int added = 1000;
        var more = Enumerable.Range(0, 3 + added).Select(i => TransportAddress.Tcp("127.0.0.2", 20_000 + i)).ToArray();
        long beforeAdd = Retained();
        resolver.Update(more);
        await WaitAsync(() => ReadyCount(big) == more.Length);
        long perSubchannel = (Retained() - beforeAdd) / added;

        // What the fake connections themselves retain, to tell the channel's own share from theirs.
        var fakes = new FakeTransportFactory();
        long beforeFakes = Retained();
        var made = Enumerable.Range(0, 1000).Select(i => fakes.Create(TransportAddress.Tcp("127.0.0.3", 30_000 + i), new TransportOptions(), _ => { })).ToArray();
        foreach (var fake in made)
        {
            await fake.ConnectAsync(CancellationToken.None);
        }

        long perFake = (Retained() - beforeFakes) / made.Length;
        GC.KeepAlive(made);
        GC.KeepAlive(transports);
        Console.WriteLine(FormattableString.Invariant(
            $"idle memory: {perChannel} B per channel with 3 READY subchannels ({channels} channels), {perSubchannel} B per added subchannel ({added} added), fake connections included; a fake connection alone {perFake} B, so the channel's own: {perChannel - (3 * perFake)} B and {perSubchannel - perFake} B"));
        foreach (var channel in open)
        {
            await channel.DisposeAsync();
        }
    }

    private static ManagedChannel Dial(ActorSystem system, FakeTransportFactory transports, ManualResolver resolver, string policy) =>
        ManagedChannel.Dial(system, "manual:///bench", new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            TransportFactory = transports,
            Resolvers = new ResolverRegistry(new ManualResolverFactory(resolver)),
            DefaultScheme = "manual",
            DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
        });

    private static int ReadyCount(ManagedChannel channel) => channel.GetSubchannels().Count(s => s.State == ConnectivityState.Ready);

    private static int PickerSize(Client.Picking.Picker picker) => picker is Client.Picking.RoundRobinPicker rr ? rr.Count : 0;

    private static long Retained()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Polls a condition the actors make true; a benchmark, so a spin or a yield, never a sleep.</summary>
    private static async Task WaitAsync(Func<bool> condition, bool poll = false)
    {
        var limit = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > limit)
            {
                throw new TimeoutException("the channel did not reach the expected state within 30 s");
            }

            if (poll)
            {
                // Not a spin: on two cores a spinning waiter takes half the machine from the actors it measures.
                Thread.Sleep(1);
            }
            else
            {
                await Task.Yield();
            }
        }
    }

    private static string Summary(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return FormattableString.Invariant($"median {sorted[sorted.Length / 2]:0.0} ms (min {sorted[0]:0.0}, max {sorted[^1]:0.0})");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
