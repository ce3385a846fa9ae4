using System.Text.Json;
using System.Text.Json.Serialization;
using ActorChannel.Transport;

namespace ActorChannel.Resolution.Etcd;

/// <summary>
/// The value etcd's naming package (client/v3/naming/endpoints) stores under "prefix/addr":
/// <c>{"Op":0,"Addr":"127.0.0.1:5001","Metadata":...}</c>. Op 0 is Add; the key's deletion is the removal.
/// </summary>
internal sealed record EtcdEndpointRecord(
    [property: JsonPropertyName("Op")] int Op,
    [property: JsonPropertyName("Addr")] string Addr,
    [property: JsonPropertyName("Metadata")] JsonElement? Metadata)
{
    /// <summary>The address attribute that holds the record's Metadata as JSON text.</summary>
    public const string MetadataAttribute = "etcd.metadata";

    /// <summary>The attribute that holds the etcd key the address came from.</summary>
    public const string KeyAttribute = "etcd.key";

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The address a key's value announces, or an error saying why it announces none.</summary>
    public static TransportAddress Parse(string key, ReadOnlySpan<byte> value)
    {
        EtcdEndpointRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<EtcdEndpointRecord>(value);
        }
        catch (JsonException e)
        {
            throw new FormatException($"etcd: the value of '{key}' is not an endpoint record ({e.Message})", e);
        }

        if (record is null || string.IsNullOrEmpty(record.Addr))
        {
            throw new FormatException($"etcd: the value of '{key}' has no Addr");
        }

        if (record.Op != 0)
        {
            throw new FormatException($"etcd: the value of '{key}' has Op {record.Op}; only 0 (Add) is stored by registrations");
        }

        var colon = record.Addr.LastIndexOf(':');
        var host = colon <= 0 ? "" : record.Addr[..colon].Trim('[', ']');
        if (host.Length == 0 || !int.TryParse(record.Addr.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"etcd: the Addr '{record.Addr}' of '{key}' is not host:port");
        }

        var address = TransportAddress.Tcp(host, port).WithAttribute(KeyAttribute, key);
        return record.Metadata is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } metadata
            ? address.WithAttribute(MetadataAttribute, metadata.GetRawText())
            : address;
    }
}
