using ActorChannel.Client.Backoff;

namespace ActorChannel.Host.Demo;

public enum DemoOutput
{
    /// <summary>The live table on a terminal, plain lines otherwise.</summary>
    Auto,
    Table,
    Plain,
}

/// <summary>The demo's script. The defaults are what <c>dotnet run --project src/Host</c> runs.</summary>
public sealed record DemoOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public int Backends { get; init; } = 3;

    /// <summary>Calls started per second, whatever their latency.</summary>
    public double CallsPerSecond { get; init; } = 40;

    /// <summary>When (as a fraction of <see cref="Duration"/>) one backend is killed, and when it is started again.</summary>
    public double KillAt { get; init; } = 0.3;

    public double RestartAt { get; init; } = 0.6;

    public string Policy { get; init; } = "round_robin";

    public DemoOutput Output { get; init; } = DemoOutput.Auto;

    /// <summary>
    /// The spec's schedule (1 s, ×1.6, ±20 %) with the cap lowered from 120 s to 2 s, so the restarted backend
    /// is back in use within a couple of seconds of a 20 s demo.
    /// </summary>
    public BackoffOptions Backoff { get; init; } = new() { MaxBackoff = TimeSpan.FromSeconds(2) };

    /// <summary>Deadline of each (wait-for-ready) call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the plain output prints a status line (the table redraws four times a second).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The demo duration must be positive, got {Duration}.");
        }

        if (Backends is < 1 or > 16)
        {
            throw new ArgumentException($"The demo runs 1 to 16 backends, not {Backends}.");
        }

        if (!(CallsPerSecond > 0 && CallsPerSecond <= 10_000))
        {
            throw new ArgumentException($"The call rate must be between 0 and 10000 per second, got {CallsPerSecond}.");
        }

        if (!(KillAt is >= 0 and < 1) || !(RestartAt > KillAt && RestartAt < 1))
        {
            throw new ArgumentException($"Need 0 <= kill-at < restart-at < 1 (fractions of the run), got {KillAt} and {RestartAt}.");
        }
    }
}
