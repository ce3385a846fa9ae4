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

    // The list last pushed (or answered first), replaced whole, never changed: the watch loop writes it, ResolveAsync
    // reads it. Null until the first read; the one read that sets it starts the watch.
    private IReadOnlyList<TransportAddress>? _published;
    private Task? _watching;

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
        if (Volatile.Read(ref _published) is { } published)
        {
            return new ResolutionResult(published);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var view = await ReadAllAsync(linked.Token).ConfigureAwait(false);
        var first = view.Snapshot();
        if (Interlocked.CompareExchange(ref _published, first, null) is not null)
        {
            // Another first read won (the resolver actor never overlaps calls, but a caller might): its watch runs.
            return new ResolutionResult(Volatile.Read(ref _published)!);
        }

        Volatile.Write(ref _watching, Task.Run(() => WatchLoopAsync(view, _stopping.Token)));
        return new ResolutionResult(first);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);

        // A watch started after this read finds itself cancelled before it touches the connection.
        if (Volatile.Read(ref _watching) is { } watching)
        {
            await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _connection.Dispose();
    }

    /// <summary>Reads every key under the prefix into a new view, at the read's revision.</summary>
    private async Task<EtcdPrefixView> ReadAllAsync(CancellationToken cancellationToken)
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

        var view = new EtcdPrefixView(response.Header.Revision);
        var errors = new List<string>();
        foreach (var kv in response.Kvs)
        {
            view.Apply(Event.Types.EventType.Put, kv, errors);
        }

        EtcdLog.Read(_context.Logger, response.Kvs.Count, _target.KeyPrefix, view.Revision);
        ReportBadRecords(errors);
        return view;
    }

    /// <summary>The only writer of <paramref name="view"/> and, once it runs, of the published list.</summary>
    private async Task WatchLoopAsync(EtcdPrefixView view, CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var endpoint = _connection.Endpoint;
            try
            {
                if (await WatchAsync(view, () => failures = 0, stopping).ConfigureAwait(false))
                {
                    // Compacted past where the watch would resume: read it all, then watch from there.
                    view = await ReadAllAsync(stopping).ConfigureAwait(false);
                    Push(view, "read again after compaction");
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
                var kept = Volatile.Read(ref _published)!.Count;
                var delay = _options.Backoff(failures++);
                EtcdLog.WatchFailed(_context.Logger, _target.KeyPrefix, endpoint, message, kept, delay);
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
    private async Task<bool> WatchAsync(EtcdPrefixView view, Action created, CancellationToken stopping)
    {
        var watch = new Watch.WatchClient(_connection.Channel);
        using var call = watch.Watch(cancellationToken: stopping);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = _key,
                RangeEnd = _rangeEnd,
                StartRevision = view.Revision + 1,
                ProgressNotify = true,
            },
        }, stopping).ConfigureAwait(false);

        await foreach (var response in call.ResponseStream.ReadAllAsync(stopping).ConfigureAwait(false))
        {
            if (response.CompactRevision > 0)
            {
                EtcdLog.Compacted(_context.Logger, _target.KeyPrefix, response.CompactRevision, view.Revision + 1);
                return true;
            }

            if (response.Canceled)
            {
                throw new NameResolutionException($"etcd cancelled the watch: {response.CancelReason}");
            }

            if (response.Created)
            {
                EtcdLog.Watching(_context.Logger, _target.KeyPrefix, view.Revision + 1);
                created();
                continue;
            }

            if (response.Events.Count == 0)
            {
                // A progress notification: every change up to this revision has been sent.
                view.Reached(response.Header.Revision);
                continue;
            }

            var errors = new List<string>();
            foreach (var change in response.Events)
            {
                view.Apply(change.Type, change.Kv, errors);
            }

            ReportBadRecords(errors);
            Push(view, $"{response.Events.Count} changes up to revision {view.Revision}");
        }

        return false;
    }

    private void ReportBadRecords(List<string> errors)
    {
        foreach (var error in errors)
        {
            EtcdLog.BadRecord(_context.Logger, error);
            _context.OnError(new NameResolutionException(error + "; the key is ignored"));
        }
    }

    private void Push(EtcdPrefixView view, string why)
    {
        var now = view.Snapshot();
        if (Same(now, Volatile.Read(ref _published)!))
        {
            return;
        }

        Volatile.Write(ref _published, now);
        EtcdLog.Lists(_context.Logger, _target.KeyPrefix, now, why);
        _context.OnUpdate(new ResolutionResult(now));
    }

    private static bool Same(IReadOnlyList<TransportAddress> a, IReadOnlyList<TransportAddress> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Equals(p.Second)
            && p.First.Attributes.GetValueOrDefault(EtcdEndpointRecord.MetadataAttribute) == p.Second.Attributes.GetValueOrDefault(EtcdEndpointRecord.MetadataAttribute));
}
