using RpcException = Grpc.Core.RpcException;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// Announces one backend under an etcd prefix, as etcd's naming package does: key "prefix/addr", value
/// <c>{"Op":0,"Addr":...}</c>, put under a lease that is kept alive while this runs. Disposing revokes the lease,
/// which deletes the key at once; a process that dies without that drops out when the lease's TTL runs out.
/// </summary>
public sealed class EtcdRegistration : IAsyncDisposable
{
    private readonly EtcdConnection _connection;
    private readonly string _key;
    private readonly ByteString _value;
    private readonly TimeSpan _ttl;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _keepingAlive = Task.CompletedTask;
    private long _lease;

    private EtcdRegistration(EtcdTarget target, string address, string? metadataJson, TimeSpan ttl, ILogger logger)
    {
        _connection = new EtcdConnection(target.Endpoints);
        _key = target.KeyPrefix + address;
        var metadata = metadataJson is null ? (System.Text.Json.JsonElement?)null : System.Text.Json.JsonDocument.Parse(metadataJson).RootElement.Clone();
        _value = ByteString.CopyFromUtf8(new EtcdEndpointRecord(0, address, metadata).ToJson());
        _ttl = ttl;
        _logger = logger;
    }

    /// <summary>The key this registration holds.</summary>
    public string Key => _key;

    /// <summary>
    /// Puts <paramref name="address"/> (host:port) under the prefix of <paramref name="target"/>
    /// (etcd://members/prefix) and keeps it there. Throws ArgumentException for a bad target or address, and
    /// <see cref="NameResolutionException"/> when etcd cannot be reached.
    /// </summary>
    public static async Task<EtcdRegistration> StartAsync(
        string target, string address, TimeSpan? ttl = null, ILogger? logger = null, string? metadataJson = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var parsed = ChannelTarget.Parse(target);
        if (!parsed.Scheme.Equals("etcd", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Invalid registration target '{TargetSyntax.Printable(target)}': it must be etcd://host:port/prefix.", nameof(target));
        }

        var lease = ttl ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.FromSeconds(2), nameof(ttl));
        var registration = new EtcdRegistration(EtcdTarget.From(parsed), address, metadataJson, lease, logger ?? NullLogger.Instance);

        // The same check the resolver makes, so that nothing is announced that no resolver would accept.
        EtcdEndpointRecord.Parse(registration._key, registration._value.Span);
        try
        {
            await registration.PutAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            registration._connection.Dispose();
            throw new NameResolutionException($"etcd: registering '{registration._key}' at {registration._connection.Endpoint} failed: {e.Status.StatusCode}: {e.Status.Detail}", e);
        }

        registration._keepingAlive = Task.Run(() => registration.KeepAliveAsync(registration._stopping.Token));
        return registration;
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await new Lease.LeaseClient(_connection.Channel).LeaseRevokeAsync(new LeaseRevokeRequest { ID = _lease }, cancellationToken: timeout.Token).ConfigureAwait(false);
            EtcdLog.Deregistered(_logger, _key);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            // The lease runs out by itself; the key goes then.
            EtcdLog.RevokeFailed(_logger, _key, e.Message, _ttl);
        }

        _connection.Dispose();
    }

    /// <summary>Stops the keepalive without deleting the key, as a killed process would (for tests).</summary>
    internal Task AbandonAsync() => StopKeepAliveAsync();

    private async Task StopKeepAliveAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _keepingAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PutAsync(CancellationToken cancellationToken)
    {
        var leases = new Lease.LeaseClient(_connection.Channel);
        var granted = await leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)_ttl.TotalSeconds }, cancellationToken: cancellationToken).ConfigureAwait(false);
        _lease = granted.ID;
        var kv = new KV.KVClient(_connection.Channel);
        await kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(_key), Value = _value, Lease = _lease }, cancellationToken: cancellationToken).ConfigureAwait(false);
        EtcdLog.Registered(_logger, _key, _lease, granted.TTL);
    }

    /// <summary>Renews the lease at a third of its TTL; a lease lost while etcd was away is granted anew and the key put again.</summary>
    private async Task KeepAliveAsync(CancellationToken stopping)
    {
        var every = _ttl / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var call = new Lease.LeaseClient(_connection.Channel).LeaseKeepAlive(cancellationToken: stopping);
                while (true)
                {
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = _lease }, stopping).ConfigureAwait(false);
                    if (!await call.ResponseStream.MoveNext(stopping).ConfigureAwait(false))
                    {
                        throw new NameResolutionException("the keepalive stream ended");
                    }

                    if (call.ResponseStream.Current.TTL <= 0)
                    {
                        EtcdLog.LeaseExpired(_logger, _key);
                        await PutAsync(stopping).ConfigureAwait(false);
                    }

                    await Task.Delay(every, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                EtcdLog.KeepAliveFailed(_logger, _key, _connection.Endpoint, e.Message);
                _connection.Next();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
