using Xunit;

namespace ActorChannel.Transport.Tests.Wire;

public class GrpcMessageEncodingTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("héllo", "h%C3%A9llo")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("emoji 😀", "emoji %F0%9F%98%80")]
    public void Encodes_per_spec(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcMessageEncoding.Encode(message));
        Assert.Equal(message, GrpcMessageEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz ok", "%zz ok")]
    [InlineData("%e6%97%a5", "日")]
    [InlineData("raw é", "raw é")]
    public void Decodes_leniently(string encoded, string expected) =>
        Assert.Equal(expected, GrpcMessageEncoding.Decode(encoded));

    [Fact]
    public void Round_trips_arbitrary_strings_and_encodes_to_printable_ascii()
    {
        var rng = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (var k = 0; k < chars.Length; k++)
            {
                // Skip surrogates: a lone one is not a valid string to round-trip through UTF-8.
                int c;
                do
                {
                    c = rng.Next(0, 0xFFFF);
                }
                while (c is >= 0xD800 and <= 0xDFFF);
                chars[k] = (char)c;
            }

            var s = new string(chars);
            var e = GrpcMessageEncoding.Encode(s);
            Assert.All(e, ch => Assert.InRange(ch, (char)0x20, (char)0x7E));
            Assert.Equal(s, GrpcMessageEncoding.Decode(e));
        }
    }
}
