using Xunit;

namespace ActorChannel.Transport.Tests.Wire;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData(0L, "0n")]
    [InlineData(-5L, "0n")]
    [InlineData(1L, "100n")]
    [InlineData(999_999L, "99999900n")]
    [InlineData(1_000_000L, "100000u")]
    [InlineData(TimeSpan.TicksPerSecond, "1000000u")]
    [InlineData(10 * TimeSpan.TicksPerSecond, "10000000u")]
    [InlineData(100 * TimeSpan.TicksPerSecond, "100000m")]
    [InlineData(TimeSpan.TicksPerDay, "86400000m")]
    [InlineData(2 * TimeSpan.TicksPerDay, "172800S")]
    public void Encodes_in_the_finest_unit_that_fits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Encode(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Rounds_up_and_clamps()
    {
        // 100000000.5 µs does not fit in 'u'; ms rounds up so the server never sees less time.
        Assert.Equal("100001m", GrpcTimeout.Encode(TimeSpan.FromTicks((100_000_000L * 10) + 5)));
        Assert.Equal("99999999H", GrpcTimeout.Encode(TimeSpan.MaxValue));
    }

    [Theory]
    [InlineData("1H", 3600_0000000L)]
    [InlineData("2M", 120_0000000L)]
    [InlineData("3S", 3_0000000L)]
    [InlineData("4m", 40000L)]
    [InlineData("5u", 50L)]
    [InlineData("500n", 5L)]
    [InlineData("99999999H", 99_999_999L * 3600_0000000L)]
    public void Decodes_every_unit(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryDecode(text, out var t));
        Assert.Equal(ticks, t.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("1x")]
    [InlineData("-1S")]
    [InlineData("1 S")]
    public void Rejects_malformed(string text)
    {
        Assert.False(GrpcTimeout.TryDecode(text, out _));
        var ex = Assert.Throws<FormatException>(() => GrpcTimeout.Decode(text));
        Assert.Contains("grpc-timeout", ex.Message);
    }

    [Fact]
    public void Round_trip_never_shortens_and_stays_within_8_digits()
    {
        var rng = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var ticks = (long)(Math.Pow(10, rng.NextDouble() * 17)) + 1;
            var span = TimeSpan.FromTicks(ticks);
            var text = GrpcTimeout.Encode(span);
            Assert.InRange(text.Length, 2, 9);
            Assert.True(GrpcTimeout.TryDecode(text, out var back), text);
            Assert.True(back >= span, $"{span} encoded as {text} decoded to {back}");
        }
    }
}
