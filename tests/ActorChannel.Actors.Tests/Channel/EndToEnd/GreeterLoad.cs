using System.Collections.Concurrent;
using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Callers making wait-for-ready SayHello calls through a channel back to back until stopped. Every reply is
/// counted by the Greeter instance that sent it ("Hello {name} from {instance}"), every failure is kept, and
/// <see cref="UntilAsync"/> is woken by the callers themselves when a call ends, so nothing polls.
/// </summary>
internal sealed class GreeterLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private readonly ConcurrentQueue<(long StartedAt, Exception Error)> _failures = new();
    private readonly ConcurrentDictionary<long, long> _succeededAt = new();
    private readonly ConcurrentDictionary<string, long> _byInstance = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Reached)> _waiters = new();
    private readonly TimeSpan _bound;
    private long _started;
    private long _succeeded;

    public GreeterLoad(ManagedChannel channel, int callers, TimeSpan bound)
    {
        _bound = bound;
        var client = new Greeter.GreeterClient(channel);
        _callers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                long n = Interlocked.Increment(ref _started);
                _succeededAt[n] = Succeeded;
                try
                {
                    var reply = await client.GreetAsync("load", Options(waitForReady: true, bound));
                    _byInstance.AddOrUpdate(InstanceOf(reply), 1, (_, c) => c + 1);
                    Interlocked.Increment(ref _succeeded);
                }
                catch (Exception e)
                {
                    _failures.Enqueue((n, e));
                }

                Wake();
            }
        })).ToArray();
    }

    public long Started => Interlocked.Read(ref _started);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<(long StartedAt, Exception Error)> Failures => _failures;

    /// <summary>Successful replies from the Greeter instance named <paramref name="instance"/>.</summary>
    public long CallsTo(string instance) => _byInstance.TryGetValue(instance, out var n) ? n : 0;

    /// <summary>How many calls had succeeded when call number <paramref name="started"/> began.</summary>
    public long SucceededAt(long started) => _succeededAt.TryGetValue(started, out var s) ? s : Succeeded;

    public static CallOptions Options(bool waitForReady, TimeSpan bound) =>
        new CallOptions(deadline: DateTime.UtcNow + bound).WithWaitForReady(waitForReady);

    /// <summary>"Hello load from b1" → "b1".</summary>
    public static string InstanceOf(string reply)
    {
        int at = reply.LastIndexOf(" from ", StringComparison.Ordinal);
        Assert.True(at >= 0, $"not a Greeter reply: '{reply}'");
        return reply[(at + " from ".Length)..];
    }

    /// <summary>Completes when <paramref name="condition"/> holds after some call ended; fails after the bound (real time: real sockets).</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((condition, reached));
        }

        Wake();
        try
        {
            await reached.Task.WaitAsync(_bound);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the load did not reach '{what}' within {_bound}: {Succeeded} succeeded, {_failures.Count} failed, by instance {string.Join(", ", _byInstance.Select(kv => kv.Key + "=" + kv.Value))}");
        }
        finally
        {
            lock (_waiters)
            {
                _waiters.RemoveAll(w => w.Reached == reached);
            }
        }
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_callers).WaitAsync(_bound);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void Wake()
    {
        lock (_waiters)
        {
            foreach (var (condition, reached) in _waiters)
            {
                if (!reached.Task.IsCompleted && condition())
                {
                    reached.TrySetResult();
                }
            }
        }
    }
}
