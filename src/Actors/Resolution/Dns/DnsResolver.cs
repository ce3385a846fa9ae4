using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution;

/// <summary>
/// One dns target. A host is looked up as A and AAAA records through DnsClient (asking the server the target
/// names, or the machine's), except localhost and names in the hosts file, which only the OS resolver knows. A
/// name like <c>_grpc._tcp.host</c> is read as SRV records. With the option on, the TXT record
/// <c>_grpc_config.host</c> gives the service config. Each answer asks to be refreshed when its smallest TTL runs
/// out (not sooner than the floor; see <see cref="ResolutionResult.Refresh"/>): the resolver actor looks again then,
/// passes on only what changed, and after a failed refresh looks again at the floor.
/// </summary>
/// <remarks>
/// A failed lookup throws; the resolver actor reports it (retrying with backoff, or at the floor after a refresh) and
/// the channel keeps the addresses it had. A bad TXT config keeps the last good config this resolver sent and is
/// pushed as an error, so it never disturbs a working channel. The resolver actor never calls ResolveAsync twice at
/// once, so what one lookup leaves for the next (the last good config) needs no guard.
/// </remarks>
internal sealed class DnsResolver : IResolver
{
    private readonly DnsName _name;
    private readonly DnsResolverOptions _options;
    private readonly DnsQueries _queries;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _osLookup;
    private readonly Func<string, bool> _isOsName;
    private readonly ResolverContext _context;
    private readonly CancellationTokenSource _disposed = new();
    private string? _lastGoodConfig;

    public DnsResolver(
        DnsName name,
        DnsResolverOptions options,
        DnsQueries queries,
        Func<string, CancellationToken, Task<IPAddress[]>> osLookup,
        Func<string, bool> isOsName,
        ResolverContext context)
    {
        _name = name;
        _options = options;
        _queries = queries;
        _osLookup = osLookup;
        _isOsName = isOsName;
        _context = context;
    }

    public TimeSpan MinResolveInterval => _options.MinResolveInterval;

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _disposed.Token.ThrowIfCancellationRequested();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var (result, ttl) = await LookupWithTimeoutAsync(linked.Token).ConfigureAwait(false);
        return result with { Refresh = RefreshFor(ttl) };
    }

    /// <summary>After this, a lookup (a refresh the resolver actor had due, say) ends cancelled at once.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        return ValueTask.CompletedTask;
    }

    // The floor keeps a TTL of 0 or 1 from hammering the server, and is also the wait after a failed refresh.
    private RefreshSchedule? RefreshFor(TimeSpan? ttl)
    {
        var floor = _options.TtlRefreshFloor;
        if (floor == TimeSpan.Zero)
        {
            return null;
        }

        var delay = ttl is { } t && t > floor ? t : floor;
        DnsLog.RefreshIn(_context.Logger, _name.Host, delay, ttl);
        return new RefreshSchedule(delay, afterFailure: floor);
    }

    private async Task<(ResolutionResult Result, TimeSpan? Ttl)> LookupWithTimeoutAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.LookupTimeout, _context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // WaitAsync: a lookup that ignores its token still cannot outlive the timeout or the caller.
            return await LookupAsync(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new NameResolutionException($"dns: looking up '{_name.Host}' timed out after {_options.LookupTimeout.TotalSeconds:0.###} s");
        }
    }

    private async Task<(ResolutionResult Result, TimeSpan? Ttl)> LookupAsync(CancellationToken cancellationToken)
    {
        var (addresses, ttl) = _name.IsSrv
            ? await SrvAddressesAsync(cancellationToken).ConfigureAwait(false)
            : await HostAddressesAsync(_name.Host, _name.Port, cancellationToken).ConfigureAwait(false);
        var (config, configTtl) = await ServiceConfigAsync(cancellationToken).ConfigureAwait(false);
        DnsLog.Resolved(_context.Logger, _name.Host, addresses.Count, addresses);
        return (new ResolutionResult(addresses, config), DnsRecords<string>.Min(ttl, configTtl));
    }

    private async Task<(IReadOnlyList<TransportAddress> Addresses, TimeSpan? Ttl)> HostAddressesAsync(string host, int port, CancellationToken cancellationToken)
    {
        var (ips, ttl) = await IpsAsync(host, cancellationToken).ConfigureAwait(false);
        if (ips.Count == 0)
        {
            throw new NameResolutionException($"dns: '{host}' resolved to no address");
        }

        return (ips.Select(ip => new TransportAddress(new IPEndPoint(ip, port))).ToArray(), ttl);
    }

    private async Task<(IReadOnlyList<IPAddress> Ips, TimeSpan? Ttl)> IpsAsync(string host, CancellationToken cancellationToken)
    {
        if (IpLiteral.TryParse(host, out var literal))
        {
            return ([literal], null);
        }

        if (!_name.HasServer && _isOsName(host))
        {
            try
            {
                return (await _osLookup(host, cancellationToken).ConfigureAwait(false), null);
            }
            catch (SocketException e)
            {
                throw new NameResolutionException($"dns: looking up '{host}' failed: {e.Message} ({e.SocketErrorCode})", e);
            }
        }

        var records = await _queries.AddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (!records.NameExists)
        {
            throw new NameResolutionException($"dns: '{host}' does not exist (NXDOMAIN from {_queries.Server})");
        }

        if (records.Records.Count == 0)
        {
            throw new NameResolutionException($"dns: '{host}' has no A or AAAA records at {_queries.Server}");
        }

        return (records.Records, records.MinTtl);
    }

    /// <summary>SRV targets in priority order (lower first), heavier first within a priority; weights kept as attributes.</summary>
    private async Task<(IReadOnlyList<TransportAddress> Addresses, TimeSpan? Ttl)> SrvAddressesAsync(CancellationToken cancellationToken)
    {
        var srv = await _queries.SrvAsync(_name.Host, cancellationToken).ConfigureAwait(false);
        if (!srv.NameExists)
        {
            throw new NameResolutionException($"dns: '{_name.Host}' does not exist (NXDOMAIN from {_queries.Server})");
        }

        if (srv.Records.Count == 0)
        {
            throw new NameResolutionException($"dns: '{_name.Host}' has no SRV records at {_queries.Server}");
        }

        var ordered = srv.Records.OrderBy(r => r.Priority).ThenByDescending(r => r.Weight).ToArray();
        var lookups = ordered.Select(r => r.Host).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(h => h, h => TryIpsAsync(h, cancellationToken), StringComparer.OrdinalIgnoreCase);
        await Task.WhenAll(lookups.Values).ConfigureAwait(false);

        var ttl = srv.MinTtl;
        var addresses = new List<TransportAddress>();
        var seen = new HashSet<TransportAddress>();
        var failures = new List<string>();
        foreach (var record in ordered)
        {
            var (ips, ipTtl, error) = lookups[record.Host].Result;
            if (error is not null)
            {
                failures.Add(error);
                continue;
            }

            ttl = DnsRecords<string>.Min(ttl, ipTtl);
            foreach (var ip in ips)
            {
                var address = new TransportAddress(new IPEndPoint(ip, record.Port))
                    .WithAttribute(DnsAddressAttributes.SrvPriority, record.Priority.ToString(CultureInfo.InvariantCulture))
                    .WithAttribute(DnsAddressAttributes.SrvWeight, record.Weight.ToString(CultureInfo.InvariantCulture))
                    .WithAttribute(DnsAddressAttributes.SrvTarget, record.Host);
                if (seen.Add(address))
                {
                    addresses.Add(address);
                }
            }
        }

        foreach (var failure in failures.Distinct())
        {
            DnsLog.SrvTargetSkipped(_context.Logger, _name.Host, failure);
        }

        if (addresses.Count == 0)
        {
            throw new NameResolutionException($"dns: no SRV target of '{_name.Host}' has an address ({string.Join("; ", failures.Distinct())})");
        }

        return (addresses, ttl);
    }

    // One target's failure must not lose the others: it is logged and skipped.
    private async Task<(IReadOnlyList<IPAddress> Ips, TimeSpan? Ttl, string? Error)> TryIpsAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            var (ips, ttl) = await IpsAsync(host, cancellationToken).ConfigureAwait(false);
            return (ips, ttl, null);
        }
        catch (NameResolutionException e)
        {
            return ([], null, e.Message);
        }
    }

    private async Task<(string? Config, TimeSpan? Ttl)> ServiceConfigAsync(CancellationToken cancellationToken)
    {
        if (!_options.EnableServiceConfig || (!_name.HasServer && _isOsName(_name.ConfigHost)))
        {
            return (null, null);
        }

        var name = "_grpc_config." + _name.ConfigHost;
        try
        {
            var txt = await _queries.TxtAsync(name, cancellationToken).ConfigureAwait(false);
            var configs = txt.Records.Where(r => r.StartsWith(GrpcConfigTxt.Prefix, StringComparison.Ordinal)).ToArray();
            if (configs.Length > 1)
            {
                throw new FormatException($"there are {configs.Length} records starting with '{GrpcConfigTxt.Prefix}', not one");
            }

            // No record: no config from DNS, so the channel goes back to its default (the spec's rule).
            _lastGoodConfig = configs.Length == 0 ? null : GrpcConfigTxt.Select(configs[0], Dns.GetHostName(), Random.Shared.Next(100));
            return (_lastGoodConfig, txt.MinTtl);
        }
        catch (FormatException e)
        {
            KeepConfig(new NameResolutionException($"dns: the TXT record {name} is no valid grpc_config: {e.Message}; keeping the current service config", e));
        }
        catch (NameResolutionException e)
        {
            KeepConfig(new NameResolutionException($"{e.Message}; keeping the current service config", e));
        }

        return (_lastGoodConfig, null);
    }

    private void KeepConfig(NameResolutionException error)
    {
        DnsLog.ConfigKept(_context.Logger, error.Message);
        _context.OnError(error);
    }
}
