using System.Globalization;

namespace ActorChannel.Transport;

/// <summary>
/// The grpc-timeout header: at most 8 ASCII digits and a unit (H hours, M minutes, S seconds,
/// m milliseconds, u microseconds, n nanoseconds), per PROTOCOL-HTTP2.
/// </summary>
public static class GrpcTimeout
{
    public const long MaxValue = 99_999_999;

    // Finest first; the encoder takes the first unit in which the value fits in 8 digits.
    private static readonly (char Unit, long Nanos)[] Units =
    [
        ('n', 1L),
        ('u', 1_000L),
        ('m', 1_000_000L),
        ('S', 1_000_000_000L),
        ('M', 60_000_000_000L),
        ('H', 3_600_000_000_000L),
    ];

    /// <summary>
    /// Encodes a remaining time. Rounds up to the unit (a server never sees a shorter deadline than
    /// the client's); zero or negative becomes "0n"; beyond 99999999H is clamped to it.
    /// </summary>
    public static string Encode(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "0n";
        }

        // TimeSpan's resolution is 100 ns; in nanoseconds the largest TimeSpan overflows a long, so
        // compare in ticks for the large units.
        var ticks = timeout.Ticks;
        foreach (var (unit, nanos) in Units)
        {
            long value;
            if (nanos < 100)
            {
                if (ticks > MaxValue / 100)
                {
                    continue;
                }

                value = ticks * 100 / nanos;
            }
            else
            {
                var ticksPerUnit = nanos / 100;
                value = (ticks / ticksPerUnit) + (ticks % ticksPerUnit == 0 ? 0 : 1);
            }

            if (value <= MaxValue)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    /// <summary>Parses a grpc-timeout value; false (and no exception) for anything malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out TimeSpan timeout)
    {
        timeout = default;
        if (text.Length < 2 || text.Length > 9)
        {
            return false;
        }

        long value = 0;
        foreach (var c in text[..^1])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        long nanosPerUnit = 0;
        foreach (var (unit, nanos) in Units)
        {
            if (unit == text[^1])
            {
                nanosPerUnit = nanos;
            }
        }

        if (nanosPerUnit == 0)
        {
            return false;
        }

        // 99999999H is about 3.6e18 ticks, still inside a TimeSpan.
        timeout = nanosPerUnit < 100
            ? TimeSpan.FromTicks(value * nanosPerUnit / 100)
            : TimeSpan.FromTicks(value * (nanosPerUnit / 100));
        return true;
    }

    /// <summary>Parses a grpc-timeout value or throws <see cref="FormatException"/> naming the bad text.</summary>
    public static TimeSpan Decode(string text) =>
        TryDecode(text, out var t) ? t : throw new FormatException($"Invalid grpc-timeout '{text}': expected 1-8 digits followed by one of H M S m u n.");
}
