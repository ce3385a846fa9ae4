using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace ActorChannel.Resolution;

/// <summary>
/// A, AAAA, SRV and TXT queries through DnsClient, asked of one named server or of the machine's (resolv.conf).
/// Its cache is off: the resolver follows the TTLs itself. A server error (SERVFAIL, REFUSED, no answer) throws
/// a <see cref="NameResolutionException"/> naming the query; NXDOMAIN and empty answers do not, so the caller can
/// tell "no such name" from "no records of this type".
/// </summary>
internal sealed class DnsQueries
{
    private readonly LookupClient _client;

    public DnsQueries(IPEndPoint? server, TimeSpan lookupTimeout)
    {
        var options = server is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(server));
        options.UseCache = false;
        options.ThrowDnsErrors = false;

        // A named server is the only one asked; its NXDOMAIN is the answer, not a reason to try another.
        options.ContinueOnDnsError = false;
        options.UseTcpFallback = true;

        // A few tries inside the resolver's overall timeout, which the caller enforces on its own clock.
        var perTry = lookupTimeout < TimeSpan.FromSeconds(5) ? lookupTimeout : TimeSpan.FromSeconds(5);
        options.Timeout = perTry;
        options.Retries = 2;
        _client = new LookupClient(options);
        Server = server is null ? "the system's DNS servers" : server.ToString();
    }

    /// <summary>Who is asked, for messages.</summary>
    public string Server { get; }

    public async Task<DnsRecords<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        // IPv4 first: it is what reaches most networks; pick_first tries them in this order.
        var v4 = QueryAsync(name, QueryType.A, cancellationToken);
        var v6 = QueryAsync(name, QueryType.AAAA, cancellationToken);
        var a = await v4.ConfigureAwait(false);
        var aaaa = await v6.ConfigureAwait(false);
        var records = new List<IPAddress>();
        TimeSpan? ttl = null;
        foreach (var record in a.Answers.ARecords())
        {
            records.Add(record.Address);
            ttl = DnsRecords<IPAddress>.Min(ttl, Ttl(record));
        }

        foreach (var record in aaaa.Answers.AaaaRecords())
        {
            records.Add(record.Address);
            ttl = DnsRecords<IPAddress>.Min(ttl, Ttl(record));
        }

        return new DnsRecords<IPAddress>(records, ttl, Exists(a) || Exists(aaaa));
    }

    public async Task<DnsRecords<SrvTarget>> SrvAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.SRV, cancellationToken).ConfigureAwait(false);
        var records = new List<SrvTarget>();
        TimeSpan? ttl = null;
        foreach (var record in response.Answers.SrvRecords())
        {
            records.Add(new SrvTarget(record.Target.Value.TrimEnd('.'), record.Port, record.Priority, record.Weight));
            ttl = DnsRecords<SrvTarget>.Min(ttl, Ttl(record));
        }

        return new DnsRecords<SrvTarget>(records, ttl, Exists(response));
    }

    /// <summary>Each TXT record as one string: its character-strings joined, as DNS splits long text into 255-byte pieces.</summary>
    public async Task<DnsRecords<string>> TxtAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.TXT, cancellationToken).ConfigureAwait(false);
        var records = new List<string>();
        TimeSpan? ttl = null;
        foreach (var record in response.Answers.TxtRecords())
        {
            records.Add(string.Concat(record.Text));
            ttl = DnsRecords<string>.Min(ttl, Ttl(record));
        }

        return new DnsRecords<string>(records, ttl, Exists(response));
    }

    private static TimeSpan Ttl(DnsResourceRecord record) => TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive));

    private static bool Exists(IDnsQueryResponse response) => response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain;

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            throw new NameResolutionException($"dns: asking {Server} for {type} '{name}' failed: {e.Message}", e);
        }

        var code = response.Header.ResponseCode;
        if (code is not (DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain))
        {
            throw new NameResolutionException($"dns: {Server} answered {code} to {type} '{name}'");
        }

        return response;
    }
}
