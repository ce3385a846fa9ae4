using System.Net;
using System.Net.Sockets;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Resolution;

/// <summary>
/// One host looked up through the OS resolver on every ResolveAsync. Addresses keep the order the OS returns
/// (its RFC 6724 sorting decides IPv4 vs IPv6 preference); no address at all is an error.
/// </summary>
internal sealed class DnsResolver(
    string host,
    int port,
    TimeSpan minResolveInterval,
    TimeSpan lookupTimeout,
    Func<string, CancellationToken, Task<IPAddress[]>> lookup,
    ResolverContext context) : IResolver
{
    public TimeSpan MinResolveInterval => minResolveInterval;

    public async Task<ResolutionResult> ResolveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var timeout = new CancellationTokenSource(lookupTimeout, context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IPAddress[] found;
        try
        {
            // WaitAsync: a lookup that ignores its token still cannot outlive the timeout or the caller.
            found = await lookup(host, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new NameResolutionException($"dns: looking up '{host}' timed out after {lookupTimeout.TotalSeconds:0.###} s");
        }
        catch (SocketException e)
        {
            throw new NameResolutionException($"dns: looking up '{host}' failed: {e.Message} ({e.SocketErrorCode})", e);
        }

        if (found.Length == 0)
        {
            throw new NameResolutionException($"dns: '{host}' resolved to no address");
        }

        var addresses = new TransportAddress[found.Length];
        for (var i = 0; i < found.Length; i++)
        {
            addresses[i] = new TransportAddress(new IPEndPoint(found[i], port));
        }

        context.Logger.LogDebug("dns: {Host} resolved to {Count} addresses: {Addresses}", host, addresses.Length, string.Join<TransportAddress>(", ", addresses));
        return new ResolutionResult(addresses);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
