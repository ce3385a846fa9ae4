using System.Text.Json;
using Grpc.Core;

namespace ActorChannel.Client.Config;

/// <summary>gRFC A6's two parts of a service config: each method's retryPolicy and the config's retryThrottling.</summary>
public static partial class ServiceConfigParser
{
    private static RetryPolicy ParseRetryPolicy(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object, got {value.ValueKind}.");
        }

        var attempts = Required(value, "maxAttempts", where);
        if (attempts.ValueKind != JsonValueKind.Number || !attempts.TryGetInt64(out long maxAttempts) || maxAttempts <= 1)
        {
            throw new FormatException($"{where}.maxAttempts must be an integer above 1, got {attempts.GetRawText()}.");
        }

        var initial = ParseDuration(Required(value, "initialBackoff", where), where + ".initialBackoff");
        var max = ParseDuration(Required(value, "maxBackoff", where), where + ".maxBackoff");
        if (initial <= TimeSpan.Zero || max <= TimeSpan.Zero)
        {
            throw new FormatException($"{where}.initialBackoff and maxBackoff must be above 0, got {initial.TotalSeconds}s and {max.TotalSeconds}s.");
        }

        var multiplier = Required(value, "backoffMultiplier", where);
        if (multiplier.ValueKind != JsonValueKind.Number || !(multiplier.GetDouble() > 0))
        {
            throw new FormatException($"{where}.backoffMultiplier must be a number above 0, got {multiplier.GetRawText()}.");
        }

        return new RetryPolicy(
            (int)Math.Min(maxAttempts, RetryPolicy.MaxAttemptsCap),
            initial,
            max,
            multiplier.GetDouble(),
            ParseStatusCodes(Required(value, "retryableStatusCodes", where), where + ".retryableStatusCodes"));
    }

    private static RetryThrottling? ParseRetryThrottling(JsonElement root)
    {
        if (!root.TryGetProperty("retryThrottling", out var value))
        {
            return null;
        }

        const string where = "retryThrottling";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object, got {value.ValueKind}.");
        }

        var maxTokens = Required(value, "maxTokens", where);
        if (maxTokens.ValueKind != JsonValueKind.Number || !(maxTokens.GetDouble() is > 0 and <= 1000))
        {
            throw new FormatException($"{where}.maxTokens must be a number above 0 and at most 1000, got {maxTokens.GetRawText()}.");
        }

        var tokenRatio = Required(value, "tokenRatio", where);
        if (tokenRatio.ValueKind != JsonValueKind.Number || !(tokenRatio.GetDouble() > 0))
        {
            throw new FormatException($"{where}.tokenRatio must be a number above 0, got {tokenRatio.GetRawText()}.");
        }

        return new RetryThrottling(maxTokens.GetDouble(), tokenRatio.GetDouble());
    }

    /// <summary>Status codes by name ("UNAVAILABLE", any case) or number, as protobuf JSON writes an enum; at least one.</summary>
    private static List<StatusCode> ParseStatusCodes(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new FormatException($"{where} must be a non-empty array of status codes, got {value.GetRawText()}.");
        }

        var codes = new List<StatusCode>();
        foreach (var code in value.EnumerateArray())
        {
            codes.Add(code.ValueKind switch
            {
                JsonValueKind.Number when code.TryGetInt32(out int n) && Enum.IsDefined((StatusCode)n) => (StatusCode)n,
                JsonValueKind.String when StatusCodeNamed(code.GetString()!) is { } named => named,
                _ => throw new FormatException($"{where} has {code.GetRawText()}, which is not a status code (e.g. \"UNAVAILABLE\" or 14)."),
            });
        }

        return codes;
    }

    private static StatusCode? StatusCodeNamed(string name)
    {
        // Grpc.Core spells DEADLINE_EXCEEDED as DeadlineExceeded; Enum.TryParse alone would also take "14" or "A, B".
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetter(c) || c == '_'))
        {
            return null;
        }

        return Enum.TryParse<StatusCode>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var code) ? code : null;
    }

    private static JsonElement Required(JsonElement parent, string field, string where) =>
        parent.TryGetProperty(field, out var value) ? value : throw new FormatException($"{where}.{field} is required.");
}
