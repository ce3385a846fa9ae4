using ActorChannel.Transport;
using RpcException = Grpc.Core.RpcException;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// The backends registered under an etcd prefix. The first resolution reads the whole prefix; from then on a watch
/// from that read's revision + 1 pushes every change, without polling. A lost watch resumes from the last revision
/// it saw, so nothing written meanwhile is missed (etcd replays it); if etcd compacted that history away, the
/// prefix is read whole again. While etcd is unreachable the channel keeps the last list, each failed attempt is
/// reported as a resolver error, and attempts back off up to <see cref="EtcdResolverOptions.MaxBackoff"/>.
/// </summary>
internal sealed class EtcdResolver : IResolver
{
    private readonly EtcdTarget _target;
    private readonly EtcdResolverOptions _options;
    private readonly ResolverContext _context;
    private readonly EtcdConnection _connection;
    private readonly ByteString _key;
    private readonly ByteString _rangeEnd;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();

    // Guarded by _lock: the watch loop writes them while ResolveAsync may read them.
    private readonly SortedDictionary<string, TransportAddress> _addresses = new(StringComparer.Ordinal);
    private IReadOnlyList<TransportAddress> _pushed = [];
    private Task? _watching;

    // Only the one task that reads or watches at a time touches it.
    private long _revision;

    public EtcdResolver(EtcdTarget target, EtcdResolverOptions options, ResolverContext context)
    {
        _target = target;
        _options = options;
        _context = context;
        _connection = new EtcdConnection(target.Endpoints);
        _key = ByteString.CopyFromUtf8(target.KeyPrefix);
        _rangeEnd = EtcdConnection.RangeEnd(target.KeyPrefix);
    }

    /// <summary>The watch pushes changes; asking again only returns what it has, so there is nothing to rate-limit.</summary>
    public TimeSpan MinResolveInterval => TimeSpan.Zero;

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_watching is not null)
            {
                return new ResolutionResult(Snapshot());
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await ReadAllAsync(linked.Token).ConfigureAwait(false);
        lock (_lock)
        {
            _pushed = Snapshot();
            _watching = Task.Run(() => WatchLoopAsync(_stopping.Token));
            return new ResolutionResult(_pushed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? watching;
        lock (_lock)
        {
            watching = _watching;
        }

        if (watching is not null)
        {
            await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _connection.Dispose();
    }

    /// <summary>Reads every key under the prefix, replacing what is known, and remembers the read's revision.</summary>
    private async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        RangeResponse response;
        var endpoint = _connection.Endpoint;
        try
        {
            var kv = new KV.KVClient(_connection.Channel);
            response = await kv.RangeAsync(
                new RangeRequest { Key = _key, RangeEnd = _rangeEnd },
                deadline: DateTime.UtcNow + _options.RequestTimeout,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            _connection.Next();
            throw new NameResolutionException($"etcd: reading '{_target.KeyPrefix}' from {endpoint} failed: {e.Status.StatusCode}: {e.Status.Detail}", e);
        }

        var errors = new List<string>();
        lock (_lock)
        {
            _addresses.Clear();
            foreach (var kv in response.Kvs)
            {
                Apply(Event.Types.EventType.Put, kv, errors);
            }
        }

        _revision = response.Header.Revision;
        _context.Logger.LogDebug("etcd: read {Count} endpoints under {Prefix} at revision {Revision}", response.Kvs.Count, _target.KeyPrefix, _revision);
        ReportBadRecords(errors);
    }

    private async Task WatchLoopAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var endpoint = _connection.Endpoint;
            try
            {
                if (await WatchAsync(() => failures = 0, stopping).ConfigureAwait(false))
                {
                    // Compacted past where the watch would resume: read it all, then watch from there.
                    await ReadAllAsync(stopping).ConfigureAwait(false);
                    Push("read again after compaction");
                    continue;
                }

                throw new NameResolutionException("the watch stream ended");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var message = e is RpcException rpc ? $"{rpc.Status.StatusCode}: {rpc.Status.Detail}" : e.Message;
                int kept;
                lock (_lock)
                {
                    kept = _pushed.Count;
                }

                var delay = _options.Backoff(failures++);
                _context.Logger.LogWarning(
                    "etcd: watching {Prefix} at {Endpoint} failed ({Error}); keeping {Count} addresses, retrying in {Delay}",
                    _target.KeyPrefix, endpoint, message, kept, delay);
                _context.OnError(new NameResolutionException($"etcd: lost the watch of '{_target.KeyPrefix}' at {endpoint} ({message}); keeping the last {kept} addresses", e));
                _connection.Next();
                try
                {
                    await Task.Delay(delay, _context.TimeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One watch stream, until it breaks (throws) or reports a compaction (returns true).</summary>
    private async Task<bool> WatchAsync(Action created, CancellationToken stopping)
    {
        var watch = new Watch.WatchClient(_connection.Channel);
        using var call = watch.Watch(cancellationToken: stopping);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = _key,
                RangeEnd = _rangeEnd,
                StartRevision = _revision + 1,
                ProgressNotify = true,
            },
        }, stopping).ConfigureAwait(false);

        await foreach (var response in call.ResponseStream.ReadAllAsync(stopping).ConfigureAwait(false))
        {
            if (response.CompactRevision > 0)
            {
                _context.Logger.LogInformation(
                    "etcd: {Prefix} was compacted to revision {Compacted}, past {Revision} where the watch resumed; reading it whole again",
                    _target.KeyPrefix, response.CompactRevision, _revision + 1);
                return true;
            }

            if (response.Canceled)
            {
                throw new NameResolutionException($"etcd cancelled the watch: {response.CancelReason}");
            }

            if (response.Created)
            {
                _context.Logger.LogDebug("etcd: watching {Prefix} from revision {Revision}", _target.KeyPrefix, _revision + 1);
                created();
                continue;
            }

            if (response.Events.Count == 0)
            {
                // A progress notification: every change up to this revision has been sent.
                _revision = Math.Max(_revision, response.Header.Revision);
                continue;
            }

            var errors = new List<string>();
            lock (_lock)
            {
                foreach (var change in response.Events)
                {
                    Apply(change.Type, change.Kv, errors);
                    _revision = Math.Max(_revision, change.Kv.ModRevision);
                }
            }

            ReportBadRecords(errors);
            Push($"{response.Events.Count} changes up to revision {_revision}");
        }

        return false;
    }

    // Under _lock. A bad value removes whatever the key announced before: it no longer announces a backend.
    private void Apply(Event.Types.EventType type, KeyValue kv, List<string> errors)
    {
        var key = kv.Key.ToStringUtf8();
        if (type == Event.Types.EventType.Delete)
        {
            _addresses.Remove(key);
            return;
        }

        try
        {
            _addresses[key] = EtcdEndpointRecord.Parse(key, kv.Value.Span);
        }
        catch (FormatException e)
        {
            _addresses.Remove(key);
            errors.Add(e.Message);
        }
    }

    private void ReportBadRecords(List<string> errors)
    {
        foreach (var error in errors)
        {
            _context.Logger.LogWarning("{Error}; the key is ignored", error);
            _context.OnError(new NameResolutionException(error + "; the key is ignored"));
        }
    }

    private void Push(string why)
    {
        IReadOnlyList<TransportAddress> now;
        lock (_lock)
        {
            now = Snapshot();
            if (Same(now, _pushed))
            {
                return;
            }

            _pushed = now;
        }

        _context.Logger.LogInformation("etcd: {Prefix} now lists {Addresses} ({Why})", _target.KeyPrefix, string.Join<TransportAddress>(", ", now), why);
        _context.OnUpdate(new ResolutionResult(now));
    }

    // Under _lock. In key order, so that the same registrations always give the same list.
    private IReadOnlyList<TransportAddress> Snapshot() => _addresses.Values.Distinct().ToArray();

    private static bool Same(IReadOnlyList<TransportAddress> a, IReadOnlyList<TransportAddress> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Equals(p.Second)
            && p.First.Attributes.GetValueOrDefault(EtcdEndpointRecord.MetadataAttribute) == p.Second.Attributes.GetValueOrDefault(EtcdEndpointRecord.MetadataAttribute));
}
