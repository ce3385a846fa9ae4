using System.Collections;
using System.Text;

namespace ActorChannel.Transport;

/// <summary>
/// Ordered gRPC metadata (headers or trailers). Keys ending in "-bin" carry bytes, sent base64;
/// every other key carries printable ASCII. Keys are validated when added, so a bad key fails
/// before anything reaches the wire.
/// </summary>
public sealed class Metadata : IReadOnlyList<Metadata.Entry>
{
    public const string BinarySuffix = "-bin";

    public static readonly Metadata Empty = new(readOnly: true);

    private readonly List<Entry> _entries = new();
    private readonly bool _readOnly;

    public Metadata()
    {
    }

    private Metadata(bool readOnly) => _readOnly = readOnly;

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    public Metadata Add(string key, string value)
    {
        var entry = new Entry(key, value);
        return AddEntry(entry);
    }

    public Metadata Add(string key, byte[] value) => AddEntry(new Entry(key, value));

    public Metadata AddEntry(Entry entry)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("Metadata.Empty cannot be changed; create a new Metadata.");
        }

        _entries.Add(entry);
        return this;
    }

    /// <summary>The last value of a text key, or null.</summary>
    public string? GetValue(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase) && !_entries[i].IsBinary)
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The last value of a "-bin" key, or null.</summary>
    public byte[]? GetBytes(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase) && _entries[i].IsBinary)
            {
                return _entries[i].ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", _entries) + "]";

    /// <summary>One key and its value; the key is normalised to lower case.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _bytes;

        public Entry(string key, string value)
        {
            Key = MetadataKey.Validate(key);
            if (IsBinary)
            {
                throw new ArgumentException($"Metadata key '{Key}' ends in '-bin' and takes a byte[] value, not a string.", nameof(value));
            }

            ArgumentNullException.ThrowIfNull(value);
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException(
                        $"Metadata value for '{Key}' has a character outside printable ASCII (U+{(int)c:X4}); use a '-bin' key for binary or non-ASCII data.",
                        nameof(value));
                }
            }

            _value = value;
        }

        public Entry(string key, byte[] value)
        {
            Key = MetadataKey.Validate(key);
            if (!IsBinary)
            {
                throw new ArgumentException($"Metadata key '{Key}' takes a string value; only keys ending in '-bin' take bytes.", nameof(value));
            }

            _bytes = value ?? throw new ArgumentNullException(nameof(value));
        }

        public string Key { get; }

        public bool IsBinary => Key.EndsWith(BinarySuffix, StringComparison.Ordinal);

        /// <summary>The text value; for a "-bin" key, the base64 form sent on the wire.</summary>
        public string Value => _value ?? Convert.ToBase64String(_bytes!);

        public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_value!);

        public override string ToString() => IsBinary ? $"{Key}={Value} (base64)" : $"{Key}={Value}";
    }
}
