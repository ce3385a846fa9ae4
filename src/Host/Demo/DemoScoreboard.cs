using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Cli;

namespace ActorChannel.Host.Demo;

/// <summary>One subchannel row as the views draw it.</summary>
public sealed record SubchannelRow(string Backend, string Address, long? SubchannelId, ConnectivityState State, long Calls, string LastTransition, TimeSpan? LastTransitionAt, bool BackendUp);

/// <summary>Everything a view needs at one instant.</summary>
public sealed record DemoSnapshot(TimeSpan Elapsed, ConnectivityState ChannelState, long Ok, long Failed, IReadOnlyList<SubchannelRow> Rows, IReadOnlyList<string> RecentEvents);

/// <summary>
/// What the demo has seen so far: subchannel transitions (told from the subchannel actors), the channel state,
/// call outcomes and notable events. Written from many threads, read by the view a few times a second.
/// </summary>
public sealed class DemoScoreboard(IReadOnlyList<string> names, IReadOnlyList<string> addresses, TimeProvider time)
{
    private const int EventsKept = 8;
    private readonly object _gate = new();
    private readonly long _started = time.GetTimestamp();
    private readonly Dictionary<string, SubchannelRow> _rows = addresses
        .Select((a, i) => new SubchannelRow(names[i], a, null, ConnectivityState.Idle, 0, "-", null, true))
        .ToDictionary(r => r.Address, StringComparer.Ordinal);

    private readonly Queue<string> _events = new();
    private ConnectivityState _channelState = ConnectivityState.Idle;
    private long _ok;
    private long _failed;
    private string? _lastError;

    public BackendTally Tally { get; } = new();

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public long Ok => Interlocked.Read(ref _ok);

    public long Failed => Interlocked.Read(ref _failed);

    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    public void OnTransition(SubchannelTransition t)
    {
        var address = t.Address.ToString();
        lock (_gate)
        {
            if (_rows.TryGetValue(address, out var row))
            {
                _rows[address] = row with
                {
                    SubchannelId = t.SubchannelId,
                    State = t.To,
                    LastTransition = $"{t.From.ToSpecName()} -> {t.To.ToSpecName()}: {t.Reason}",
                    LastTransitionAt = Elapsed,
                };
            }
        }
    }

    public void OnChannelState(ConnectivityState state)
    {
        lock (_gate)
        {
            _channelState = state;
        }
    }

    public void OnBackendUp(string address, bool up)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue(address, out var row))
            {
                _rows[address] = row with { BackendUp = up };
            }
        }
    }

    public void CallSucceeded() => Interlocked.Increment(ref _ok);

    public void CallFailed(string error)
    {
        Interlocked.Increment(ref _failed);
        lock (_gate)
        {
            _lastError = error;
        }
    }

    public void AddEvent(string line)
    {
        lock (_gate)
        {
            _events.Enqueue(line);
            while (_events.Count > EventsKept)
            {
                _events.Dequeue();
            }
        }
    }

    public DemoSnapshot Snapshot()
    {
        lock (_gate)
        {
            var rows = addresses.Select(a => _rows[a] with { Calls = Tally.Of(a) }).ToArray();
            return new DemoSnapshot(Elapsed, _channelState, Ok, Failed, rows, _events.ToArray());
        }
    }
}
