using ActorChannel.Client.Backoff;
using Xunit;

namespace ActorChannel.Actors.Tests.Client.Unit;

public class BackoffTests
{
    [Fact]
    public void Unjittered_schedule_grows_by_1_6_up_to_the_cap()
    {
        var b = new ExponentialBackoff(BackoffOptions.Default, () => 0.5);
        double[] expected = [1, 1.6, 2.56, 4.096, 6.5536, 10.48576, 16.777216, 26.8435456, 42.94967296, 68.719476736, 109.9511627776, 120, 120];
        for (int n = 0; n < expected.Length; n++)
        {
            Assert.Equal(expected[n], b.Unjittered(n).TotalSeconds, 6);
            Assert.Equal(expected[n], b.Delay(n).TotalSeconds, 6);
        }

        Assert.Equal(TimeSpan.FromSeconds(120), b.Unjittered(10_000));
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.999999999, 1.2)]
    [InlineData(0.25, 0.9)]
    public void Jitter_spreads_twenty_percent_each_way(double random, double factor)
    {
        var b = new ExponentialBackoff(BackoffOptions.Default, () => random);
        Assert.Equal(1.6 * factor, b.Delay(1).TotalSeconds, 6);
        Assert.Equal(120 * factor, b.Delay(50).TotalSeconds, 5);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.999999999)]
    [InlineData(0.25)]
    public void First_retry_waits_exactly_the_initial_backoff(double random)
    {
        // connection-backoff.md and grpc-go: no jitter on the first delay (review #12).
        var b = new ExponentialBackoff(BackoffOptions.Default, () => random);
        Assert.Equal(TimeSpan.FromSeconds(1), b.Delay(0));
    }

    [Fact]
    public void Connect_timeout_is_at_least_the_minimum()
    {
        var b = new ExponentialBackoff(BackoffOptions.Default);
        Assert.Equal(TimeSpan.FromSeconds(20), b.ConnectTimeout(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(42), b.ConnectTimeout(TimeSpan.FromSeconds(42)));
    }

    public static TheoryData<BackoffOptions, string> BadOptions => new()
    {
        { new BackoffOptions { InitialBackoff = TimeSpan.Zero }, "InitialBackoff" },
        { new BackoffOptions { InitialBackoff = TimeSpan.FromSeconds(-1) }, "InitialBackoff" },
        { new BackoffOptions { MaxBackoff = TimeSpan.Zero }, "MaxBackoff" },
        { new BackoffOptions { MinConnectTimeout = TimeSpan.Zero }, "MinConnectTimeout" },
        { new BackoffOptions { MaxBackoff = TimeSpan.FromMilliseconds(10) }, "MaxBackoff" },
        { new BackoffOptions { Multiplier = 0.5 }, "Multiplier" },
        { new BackoffOptions { Multiplier = double.NaN }, "Multiplier" },
        { new BackoffOptions { Jitter = -0.1 }, "Jitter" },
        { new BackoffOptions { Jitter = 1 }, "Jitter" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_are_rejected_naming_the_setting(BackoffOptions options, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new ExponentialBackoff(options));
        Assert.Contains(name, e.Message);
        Assert.Equal(name, e.ParamName);
    }
}
