using System.Text.Json;

namespace ActorChannel.Resolution;

/// <summary>
/// The TXT record <c>grpc_config=[choice, ...]</c> of gRPC's service_config.md: the first choice whose
/// clientLanguage, percentage and clientHostname all match this client gives the service config. A record that
/// does not follow the format is an error (the whole record, as the spec says), never a partial config.
/// </summary>
internal static class GrpcConfigTxt
{
    public const string Prefix = "grpc_config=";

    /// <summary>The language name gRPC's C# implementations answer to in clientLanguage.</summary>
    public const string Language = "csharp";

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal) { "clientLanguage", "percentage", "clientHostname", "serviceConfig" };

    /// <summary>
    /// The chosen service config's JSON, or null when no choice applies. <paramref name="roll"/> is a number in
    /// 0..99 drawn once per selection (percentage N applies when roll &lt; N).
    /// </summary>
    /// <exception cref="FormatException">The record is not a list of valid choices; the message says what is wrong.</exception>
    public static string? Select(string record, string hostname, int roll)
    {
        if (!record.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"it does not start with '{Prefix}'");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record.AsMemory(Prefix.Length));
        }
        catch (JsonException e)
        {
            throw new FormatException($"its JSON is malformed: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"it must be a JSON list of choices, not {document.RootElement.ValueKind}");
            }

            string? chosen = null;
            var index = 0;
            foreach (var choice in document.RootElement.EnumerateArray())
            {
                // Every choice is checked, not just up to the one chosen: a broken record is broken as a whole.
                var config = Check(choice, index++);
                if (chosen is null && Matches(choice, hostname, roll))
                {
                    chosen = config;
                }
            }

            return chosen;
        }
    }

    private static string Check(JsonElement choice, int index)
    {
        if (choice.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"choice {index} is {choice.ValueKind}, not an object");
        }

        foreach (var field in choice.EnumerateObject())
        {
            if (!KnownFields.Contains(field.Name))
            {
                throw new FormatException($"choice {index} has the unknown field '{field.Name}'");
            }
        }

        CheckStrings(choice, "clientLanguage", index);
        CheckStrings(choice, "clientHostname", index);
        if (choice.TryGetProperty("percentage", out var percentage)
            && (percentage.ValueKind != JsonValueKind.Number || !percentage.TryGetInt32(out var p) || p is < 0 or > 100))
        {
            throw new FormatException($"choice {index} has a percentage that is not an integer from 0 to 100");
        }

        if (!choice.TryGetProperty("serviceConfig", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"choice {index} has no serviceConfig object");
        }

        return config.GetRawText();
    }

    private static void CheckStrings(JsonElement choice, string name, int index)
    {
        if (choice.TryGetProperty(name, out var list)
            && (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String)))
        {
            throw new FormatException($"choice {index} has a {name} that is not a list of strings");
        }
    }

    private static bool Matches(JsonElement choice, string hostname, int roll) =>
        Lists(choice, "clientLanguage", Language)
        && Lists(choice, "clientHostname", hostname)
        && (!choice.TryGetProperty("percentage", out var percentage) || roll < percentage.GetInt32());

    // An absent list matches everyone; a present one must name us (case-insensitive, as names are).
    private static bool Lists(JsonElement choice, string name, string value) =>
        !choice.TryGetProperty(name, out var list)
        || list.EnumerateArray().Any(e => string.Equals(e.GetString(), value, StringComparison.OrdinalIgnoreCase));
}
