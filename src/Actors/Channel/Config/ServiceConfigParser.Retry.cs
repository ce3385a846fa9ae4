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
        if (!TryGetSet(root, "retryThrottling", out var value))
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

    /// <summary>Status codes by canonical name ("UNAVAILABLE") or number, as protobuf JSON writes an enum; at least one.</summary>
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

    /// <summary>The canonical names (statuscodes.md), exact as protobuf JSON writes an enum value: "UNAVAILABLE", not "Unavailable".</summary>
    private static readonly Dictionary<string, StatusCode> StatusCodeNames = new(StringComparer.Ordinal)
    {
        ["OK"] = StatusCode.OK,
        ["CANCELLED"] = StatusCode.Cancelled,
        ["UNKNOWN"] = StatusCode.Unknown,
        ["INVALID_ARGUMENT"] = StatusCode.InvalidArgument,
        ["DEADLINE_EXCEEDED"] = StatusCode.DeadlineExceeded,
        ["NOT_FOUND"] = StatusCode.NotFound,
        ["ALREADY_EXISTS"] = StatusCode.AlreadyExists,
        ["PERMISSION_DENIED"] = StatusCode.PermissionDenied,
        ["RESOURCE_EXHAUSTED"] = StatusCode.ResourceExhausted,
        ["FAILED_PRECONDITION"] = StatusCode.FailedPrecondition,
        ["ABORTED"] = StatusCode.Aborted,
        ["OUT_OF_RANGE"] = StatusCode.OutOfRange,
        ["UNIMPLEMENTED"] = StatusCode.Unimplemented,
        ["INTERNAL"] = StatusCode.Internal,
        ["UNAVAILABLE"] = StatusCode.Unavailable,
        ["DATA_LOSS"] = StatusCode.DataLoss,
        ["UNAUTHENTICATED"] = StatusCode.Unauthenticated,
    };

    private static StatusCode? StatusCodeNamed(string name) => StatusCodeNames.TryGetValue(name, out var code) ? code : null;

    private static JsonElement Required(JsonElement parent, string field, string where) =>
        TryGetSet(parent, field, out var value) ? value : throw new FormatException($"{where}.{field} is required.");
}
