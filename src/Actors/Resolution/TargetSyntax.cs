using System.Text;

namespace ActorChannel.Resolution;

/// <summary>
/// The RFC 3986 pieces target parsing and the resolvers share: scheme grammar, percent-escapes, ports,
/// and one shape for every error message ("Invalid target 'x': what is wrong").
/// </summary>
internal static class TargetSyntax
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ArgumentException Invalid(string target, string problem) =>
        new($"Invalid target '{Printable(target)}': {problem}.", "target");

    /// <summary>Control characters would make the quoted target unreadable (or cut it, for NUL).</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append($"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    public static bool IsValidScheme(ReadOnlySpan<char> scheme)
    {
        if (scheme.IsEmpty || !char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a decimal port 0–65535, or throws naming the port.</summary>
    public static int ParsePort(string target, string port, string where)
    {
        if (port.Length == 0)
        {
            throw Invalid(target, $"the port in {where} is empty");
        }

        if (!IsAllDigits(port))
        {
            throw Invalid(target, $"the port '{Printable(port)}' in {where} is not a decimal number");
        }

        // More than 5 digits can overflow int.Parse, and is out of range anyway.
        if (port.TrimStart('0').Length > 5 || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) > 65535)
        {
            throw Invalid(target, $"the port '{port}' in {where} is out of range (0-65535)");
        }

        return int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes %XX escapes (as UTF-8); a '%' not followed by two hex digits is an error.</summary>
    public static string PercentDecode(string target, string text, string part)
    {
        var percent = text.IndexOf('%');
        if (percent < 0)
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> scratch = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    var bad = text.Substring(i, Math.Min(3, text.Length - i));
                    throw Invalid(target, $"the {part} has a bad percent-escape '{Printable(bad)}' (a '%' must be followed by two hex digits)");
                }

                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            // Non-escaped characters go in as their UTF-8 bytes, surrogate pairs together.
            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                throw Invalid(target, $"the {part} contains an unpaired surrogate at index {i}");
            }

            var written = rune.EncodeToUtf8(scratch);
            for (var b = 0; b < written; b++)
            {
                bytes.Add(scratch[b]);
            }

            i += rune.Utf16SequenceLength - 1;
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(target, $"the percent-escapes in the {part} '{Printable(text)}' do not decode to UTF-8 text");
        }
    }

    /// <summary>Escapes everything but RFC 3986 pchar and '/', so that decoding gives the text back.</summary>
    public static string PercentEncodePath(string text)
    {
        var builder = new StringBuilder(text.Length);
        Span<byte> scratch = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && IsPathChar((char)rune.Value))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var written = rune.EncodeToUtf8(scratch);
            for (var b = 0; b < written; b++)
            {
                builder.Append('%').Append(scratch[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".Contains(c);

    /// <summary>Characters RFC 3986 never allows unescaped in an authority (besides whitespace and controls).</summary>
    public static bool IsForbiddenInAuthority(char c) => "<>\"{}|\\^`".Contains(c);
}
