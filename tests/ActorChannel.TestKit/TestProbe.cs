using System.Collections.Concurrent;
using System.Threading.Channels;
using ActorChannel.Kernel;

namespace ActorChannel.TestKit;

/// <summary>
/// An actor that records what it receives so a test can expect it. Expectation timeouts are real time
/// (default 3 s); a failed expectation says what arrived instead.
/// </summary>
public sealed class TestProbe<T> : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly ActorSystem _system;
    private readonly Channel<T> _received = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ActorRef, bool> _terminated = new();
    private readonly SemaphoreSlim _terminatedSignal = new(0);

    internal TestProbe(ActorSystem system, string name)
    {
        _system = system;
        Ref = system.Spawn(Props<T>.Create(() => new ProbeActor(this)), name);
    }

    public ActorRef<T> Ref { get; }

    public async Task<TSub> ExpectMsgAsync<TSub>(Func<TSub, bool>? predicate = null, TimeSpan? timeout = null)
        where TSub : T
    {
        var limit = timeout ?? DefaultTimeout;
        var (arrived, message) = await TryReadAsync(limit).ConfigureAwait(false);
        if (!arrived)
        {
            throw new ProbeExpectationException($"Expected a {typeof(TSub).Name} within {limit} at {Ref.Path}, but nothing arrived.");
        }

        if (message is TSub match && (predicate is null || predicate(match)))
        {
            return match;
        }

        var why = message is TSub ? "that did not match the predicate" : "instead";
        throw new ProbeExpectationException(
            $"Expected a {typeof(TSub).Name} at {Ref.Path}, but received {Describe(message)} {why}.");
    }

    /// <summary>Waits for the system to go idle (at most <paramref name="duration"/>), then for what is left of it.</summary>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await _system.WhenIdleAsync().WaitAsync(duration).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still busy after the whole duration: fall through to the final check.
        }

        var left = duration - TimeProvider.System.GetElapsedTime(started);
        var (arrived, message) = left > TimeSpan.Zero ? await TryReadAsync(left).ConfigureAwait(false) : TryReadNow();
        if (arrived)
        {
            throw new ProbeExpectationException($"Expected no message at {Ref.Path} for {duration}, but received {Describe(message)}.");
        }
    }

    /// <summary>Skips messages until one is a <typeparamref name="TSub"/> for which <paramref name="isTarget"/> holds.</summary>
    public async Task<TSub> FishForMessageAsync<TSub>(Func<TSub, bool> isTarget, TimeSpan? timeout = null)
        where TSub : T
    {
        ArgumentNullException.ThrowIfNull(isTarget);
        var limit = timeout ?? DefaultTimeout;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var skipped = new List<T>();
        while (true)
        {
            var left = TimeSpan.FromSeconds((double)(deadline - TimeProvider.System.GetTimestamp()) / TimeProvider.System.TimestampFrequency);
            var (arrived, message) = left > TimeSpan.Zero ? await TryReadAsync(left).ConfigureAwait(false) : TryReadNow();
            if (!arrived)
            {
                throw new ProbeExpectationException(
                    $"Fished for a {typeof(TSub).Name} at {Ref.Path} for {limit} without a catch; received instead: {DescribeAll(skipped)}.");
            }

            if (message is TSub match && isTarget(match))
            {
                return match;
            }

            skipped.Add(message);
        }
    }

    /// <summary>
    /// Takes messages while <paramref name="predicate"/> holds; stops (leaving the message queued) at the first
    /// that does not, after <paramref name="max"/> messages, at the timeout, or when the system is idle and none is left.
    /// </summary>
    public async Task<IReadOnlyList<T>> ReceiveWhileAsync(Func<T, bool> predicate, TimeSpan? timeout = null, int? max = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var limit = timeout ?? DefaultTimeout;
        var result = new List<T>();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            while (max is null || result.Count < max)
            {
                if (!_received.Reader.TryPeek(out var next))
                {
                    await _system.WhenIdleAsync(cts.Token).ConfigureAwait(false);
                    if (!_received.Reader.TryPeek(out next))
                    {
                        break;
                    }
                }

                if (!predicate(next))
                {
                    break;
                }

                _received.Reader.TryRead(out _);
                result.Add(next);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Timed out: return what was taken.
        }

        return result;
    }

    /// <summary>The probe watches <paramref name="target"/>; see <see cref="ExpectTerminatedAsync"/>.</summary>
    public void Watch(ActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var context = (ActorCell<T>)Ref.Cell;
        context.PostSystem(new RunInActor(() => context.Watch(target)));
    }

    public async Task ExpectTerminatedAsync(ActorRef target, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var limit = timeout ?? DefaultTimeout;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!_terminated.ContainsKey(target))
        {
            var left = TimeSpan.FromSeconds((double)(deadline - TimeProvider.System.GetTimestamp()) / TimeProvider.System.TimestampFrequency);
            if (left <= TimeSpan.Zero || !await _terminatedSignal.WaitAsync(left).ConfigureAwait(false))
            {
                var seen = _terminated.IsEmpty ? "none" : string.Join(", ", _terminated.Keys.Select(k => k.Path));
                throw new ProbeExpectationException(
                    $"Expected Terminated({target.Path}) at {Ref.Path} within {limit}; terminations seen: {seen}. (Did the probe Watch it?)");
            }
        }
    }

    /// <summary>Stops the probe actor (asynchronously, like any stop).</summary>
    public ValueTask DisposeAsync()
    {
        Ref.Cell.PostSystem(new StopActor());
        return ValueTask.CompletedTask;
    }

    private async Task<(bool Arrived, T Message)> TryReadAsync(TimeSpan timeout)
    {
        if (_received.Reader.TryRead(out var ready))
        {
            return (true, ready);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return (true, await _received.Reader.ReadAsync(cts.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return (false, default!);
        }
    }

    private (bool Arrived, T Message) TryReadNow() =>
        _received.Reader.TryRead(out var message) ? (true, message) : (false, default!);

    private static string Describe(T message) =>
        message is null ? "null" : $"{message.GetType().Name} {message}";

    private static string DescribeAll(List<T> messages) =>
        messages.Count == 0 ? "nothing" : string.Join("; ", messages.Select(Describe));

    private sealed class ProbeActor(TestProbe<T> probe) : Actor<T>
    {
        protected override void Receive(T message) => probe._received.Writer.TryWrite(message);

        protected override void OnTerminated(ActorRef actor)
        {
            probe._terminated[actor] = true;
            probe._terminatedSignal.Release();
        }
    }
}

/// <summary>A probe expectation failed.</summary>
public sealed class ProbeExpectationException(string message) : Exception(message);

public static class TestProbeExtensions
{
    private static long s_counter;

    public static TestProbe<T> CreateTestProbe<T>(this ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new TestProbe<T>(system, name ?? $"probe-{Interlocked.Increment(ref s_counter)}");
    }
}
