using ActorChannel.Kernel;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Benchmarks.Kernel;

/// <summary>Counts finished rallies; the last one opens the gate the benchmark waits on.</summary>
internal sealed class Finish
{
    private readonly ManualResetEventSlim _gate = new();
    private int _remaining;

    public void Arm(int rallies)
    {
        _gate.Reset();
        Volatile.Write(ref _remaining, rallies);
    }

    public void One()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _gate.Set();
        }
    }

    public void Wait()
    {
        if (!_gate.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"{Volatile.Read(ref _remaining)} rallies did not finish within 30 s: a message was lost.");
        }
    }
}

/// <summary>Filled in after both actors of a pair exist.</summary>
internal sealed class Partner
{
    public ActorRef<int>? Ref;
}

/// <summary>Returns the ball with one bounce less; a ball at zero ends its rally.</summary>
internal sealed class Bouncer(Partner partner, Finish finish) : Actor<int>
{
    protected override void Receive(int bouncesLeft)
    {
        if (bouncesLeft == 0)
        {
            finish.One();
            return;
        }

        partner.Ref!.Tell(bouncesLeft - 1);
    }
}

/// <summary>Pairs of bouncers in one system.</summary>
internal sealed class Court : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly List<ActorRef<int>> _servers = [];

    public Court(int pairs, bool preferLocal = true)
    {
        _system = ActorSystem.Create("bench", new ActorSystemOptions { PreferLocalScheduling = preferLocal, LoggerFactory = Logs });
        for (var i = 0; i < pairs; i++)
        {
            Partner left = new(), right = new();
            var a = _system.Spawn(Props<int>.Create(() => new Bouncer(left, Finish)), $"a{i}");
            var b = _system.Spawn(Props<int>.Create(() => new Bouncer(right, Finish)), $"b{i}");
            left.Ref = b;
            right.Ref = a;
            _servers.Add(a);
        }
    }

    public Finish Finish { get; } = new();

    /// <summary>Warnings and worse go to the console: a failing kernel must not look like a slow one.</summary>
    private static ILoggerFactory Logs { get; } =
        LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true));

    /// <summary>Rallies in the last Play.</summary>
    public int Rallies { get; private set; }

    /// <summary>Serves <paramref name="ballsPerPair"/> balls in every pair and waits until all rallies end.</summary>
    public void Play(int ballsPerPair, int bounces)
    {
        Rallies = _servers.Count * ballsPerPair;
        Finish.Arm(Rallies);
        for (var ball = 0; ball < ballsPerPair; ball++)
        {
            foreach (var server in _servers)
            {
                server.Tell(bounces);
            }
        }

        Finish.Wait();
    }

    public ValueTask DisposeAsync() => _system.DisposeAsync();
}
