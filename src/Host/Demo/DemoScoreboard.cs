using Grpc.Core;
using System.Collections.Concurrent;
using System.Diagnostics;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Host.Cli;

namespace ActorChannel.Host.Demo;

/// <summary>One subchannel row as the views draw it.</summary>
public sealed record SubchannelRow(string Backend, string Address, long? SubchannelId, ConnectivityState State, long Calls, string LastTransition, TimeSpan? LastTransitionAt, bool BackendUp)
{
    /// <summary>The backend's cluster membership (the cluster demo), empty when there is no cluster.</summary>
    public string Member { get; init; } = "";
}

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

    private readonly List<string> _order = addresses.ToList();

    private readonly Queue<string> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _firstReady = new(StringComparer.Ordinal);
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

    /// <summary>Stopwatch timestamps of each address's first transition out of READY (when calls stopped going to it).</summary>
    public ConcurrentDictionary<string, long> LeftReadyAt { get; } = new(StringComparer.Ordinal);

    /// <summary>Completes once a subchannel to <paramref name="address"/> has first been READY.</summary>
    public Task FirstReady(string address) => FirstReadySource(address).Task;

    public void OnTransition(SubchannelTransition t)
    {
        var address = t.Address.ToString();
        if (t.From == ConnectivityState.Ready)
        {
            LeftReadyAt.TryAdd(address, Stopwatch.GetTimestamp());
        }

        if (t.To == ConnectivityState.Ready)
        {
            FirstReadySource(address).TrySetResult();
        }

        lock (_gate)
        {
            // A backend the channel found before the demo named it (a member that just joined) gets its row now.
            if (!_rows.ContainsKey(address))
            {
                _rows[address] = new SubchannelRow(address, address, null, ConnectivityState.Idle, 0, "-", null, true);
                _order.Add(address);
            }

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

    /// <summary>A backend that appeared after the start (a cluster member that joined).</summary>
    public void AddBackend(string name, string address)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue(address, out var row))
            {
                _rows[address] = row with { Backend = name };
            }
            else
            {
                _rows[address] = new SubchannelRow(name, address, null, ConnectivityState.Idle, 0, "-", null, true);
                _order.Add(address);
            }
        }
    }

    public void OnMembership(string address, string member)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue(address, out var row))
            {
                _rows[address] = row with { Member = member };
            }
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
            var rows = _order.Select(a => _rows[a] with { Calls = Tally.Of(a) }).ToArray();
            return new DemoSnapshot(Elapsed, _channelState, Ok, Failed, rows, _events.ToArray());
        }
    }

    private TaskCompletionSource FirstReadySource(string address) =>
        _firstReady.GetOrAdd(address, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
