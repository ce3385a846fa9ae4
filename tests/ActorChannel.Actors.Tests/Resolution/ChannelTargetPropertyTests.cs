using System.Text;
using ActorChannel.Resolution;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class ChannelTargetPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(2000);

    // Arbitrary strings, plus strings made of the characters target syntax cares about, so both the
    // fully random and the almost-valid inputs are covered.
    private static Arbitrary<string> AnyText()
    {
        var syntax = Gen.Elements("ab1:/[]%?#@ .-,\t\0éZ09".ToCharArray())
            .ArrayOf()
            .Select(chars => new string(chars));
        var prefixed = Gen.Zip(Gen.Elements("dns:", "dns:///", "unix:", "ipv4:", "ipv6:", "passthrough://", "x://a:", "[", ""), syntax, (p, s) => p + s);
        return Arb.From(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(), syntax, prefixed));
    }

    [Fact]
    public void Parse_throws_nothing_but_ArgumentException()
    {
        var registry = ResolverRegistry.CreateDefault();
        Check.One(Runs, Prop.ForAll(AnyText(), text =>
        {
            ThrowsOnlyArgumentException(() => ChannelTarget.Parse(text));
            ThrowsOnlyArgumentException(() => registry.Resolve(text, "dns", out _));
            if (ChannelTarget.TryParse(text, out var target) && target.Scheme.Length > 0)
            {
                var back = ChannelTarget.Parse(target.ToUriString());
                Assert.Equal((target.Scheme, target.Authority, target.Endpoint, target.Query), (back.Scheme, back.Authority, back.Endpoint, back.Query));
            }
        }));
    }

    [Fact]
    public void Well_formed_targets_round_trip()
    {
        Check.One(Runs, Prop.ForAll(Arb.From(WellFormed()), parts =>
        {
            var (text, scheme, authority, endpoint) = parts;
            var target = ChannelTarget.Parse(text);
            Assert.Equal((scheme.ToLowerInvariant(), authority, endpoint), (target.Scheme, target.Authority, target.Endpoint));

            var back = ChannelTarget.Parse(target.ToUriString());
            Assert.Equal((target.Scheme, target.Authority, target.Endpoint, target.HasAuthority), (back.Scheme, back.Authority, back.Endpoint, back.HasAuthority));
        }));
    }

    private static Gen<(string Text, string Scheme, string Authority, string Endpoint)> WellFormed()
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var scheme = Gen.Zip(
            Gen.Elements(letters.ToCharArray()),
            Gen.Elements((letters + "0123456789+-.").ToCharArray()).ArrayOf(),
            (first, rest) => first + new string(rest));
        var label = Gen.Elements("abcxyz019-".ToCharArray()).NonEmptyListOf().Select(c => new string(c.ToArray()));
        var host = Gen.OneOf(
            label.NonEmptyListOf().Select(l => string.Join('.', l)),
            Gen.Elements("[::1]", "[2001:db8::7]", "127.0.0.1"));
        var authority = Gen.OneOf(
            Gen.Constant(""),
            host,
            Gen.Zip(host, Gen.Choose(0, 65535), (h, p) => $"{h}:{p}"));
        var endpoint = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && IsWellFormedUtf16(s));

        var authorityForm = Gen.Zip(Gen.Zip(scheme, authority), endpoint)
            .Select(t => ($"{t.Item1.Item1}://{t.Item1.Item2}/{Uri.EscapeDataString(t.Item2)}", t.Item1.Item1, t.Item1.Item2, t.Item2));
        var opaqueForm = Gen.Zip(scheme, endpoint.Where(e => !e.All(char.IsAsciiDigit) || e.Length == 0))
            .Select(t => ($"{t.Item1}:{Uri.EscapeDataString(t.Item2)}", t.Item1, "", t.Item2));
        return Gen.OneOf(authorityForm, opaqueForm);
    }

    private static bool IsWellFormedUtf16(string text)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static void ThrowsOnlyArgumentException(Action parse)
    {
        try
        {
            parse();
        }
        catch (ArgumentException)
        {
        }
    }
}
