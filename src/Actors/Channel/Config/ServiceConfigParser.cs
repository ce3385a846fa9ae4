using System.Globalization;
using System.Text.Json;

namespace ActorChannel.Client.Config;

/// <summary>Parses service config JSON; every rejection names the field that was wrong.</summary>
public static partial class ServiceConfigParser
{
    /// <summary>The largest protobuf Duration, 10000 years.</summary>
    private const decimal MaxDurationSeconds = 315_576_000_000m;

    /// <summary>Parses <paramref name="json"/>; <paramref name="isKnownPolicy"/> says which policy names this channel has.</summary>
    /// <exception cref="FormatException">The config is not valid JSON or a field has the wrong shape or an unknown value.</exception>
    public static ServiceConfig Parse(string json, Func<string, bool> isKnownPolicy)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException("service config is not valid JSON: " + e.Message, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"service config must be a JSON object, got {root.ValueKind}.");
            }

            var (policy, policyConfig) = ParsePolicy(root, isKnownPolicy);
            return new ServiceConfig
            {
                LoadBalancingPolicy = policy,
                LoadBalancingPolicyConfig = policyConfig,
                MethodConfigs = ParseMethodConfigs(root),
                RetryThrottling = ParseRetryThrottling(root),
            };
        }
    }

    /// <summary>Like <see cref="Parse"/>, but returns the error instead of throwing (resolver-supplied configs).</summary>
    public static bool TryParse(string json, Func<string, bool> isKnownPolicy, out ServiceConfig? config, out string? error)
    {
        try
        {
            config = Parse(json, isKnownPolicy);
            error = null;
            return true;
        }
        catch (Exception e)
        {
            // A resolver's config is untrusted input: whatever shape breaks the parser rejects the config,
            // never the channel.
            config = null;
            error = e is FormatException ? e.Message : $"service config could not be parsed ({e.GetType().Name}: {e.Message})";
            return false;
        }
    }

    private static (string? Policy, JsonElement? Config) ParsePolicy(JsonElement root, Func<string, bool> isKnownPolicy)
    {
        if (root.TryGetProperty("loadBalancingConfig", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"loadBalancingConfig must be an array, got {list.ValueKind}.");
            }

            var seen = new List<string>();
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || entry.EnumerateObject().Count() != 1)
                {
                    throw new FormatException("each loadBalancingConfig entry must be an object with exactly one field (the policy name).");
                }

                var field = entry.EnumerateObject().First();
                if (isKnownPolicy(field.Name))
                {
                    return (field.Name, field.Value.Clone());
                }

                seen.Add(field.Name);
            }

            throw new FormatException($"loadBalancingConfig names no supported policy (got: {string.Join(", ", seen)}).");
        }

        if (root.TryGetProperty("loadBalancingPolicy", out var legacy))
        {
            if (legacy.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"loadBalancingPolicy must be a string, got {legacy.ValueKind}.");
            }

            var name = legacy.GetString()!.ToLowerInvariant();
            if (!isKnownPolicy(name))
            {
                throw new FormatException($"loadBalancingPolicy \"{legacy.GetString()}\" is not a supported policy.");
            }

            return (name, null);
        }

        return (null, null);
    }

    private static List<MethodConfig> ParseMethodConfigs(JsonElement root)
    {
        var result = new List<MethodConfig>();
        if (!root.TryGetProperty("methodConfig", out var list))
        {
            return result;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"methodConfig must be an array, got {list.ValueKind}.");
        }

        int index = 0;
        var seen = new HashSet<MethodName>();
        foreach (var entry in list.EnumerateArray())
        {
            var where = $"methodConfig[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{where} must be an object.");
            }

            if (TryGetSet(entry, "retryPolicy", out _) && TryGetSet(entry, "hedgingPolicy", out _))
            {
                throw new FormatException($"{where} has both a retryPolicy and a hedgingPolicy; a method may have only one.");
            }

            result.Add(new MethodConfig
            {
                Names = ParseNames(entry, where, seen),
                WaitForReady = entry.TryGetProperty("waitForReady", out var wfr) ? ParseBool(wfr, where + ".waitForReady") : null,
                Timeout = entry.TryGetProperty("timeout", out var t) ? ParseDuration(t, where + ".timeout") : null,
                MaxRequestMessageBytes = entry.TryGetProperty("maxRequestMessageBytes", out var req) ? ParseSize(req, where + ".maxRequestMessageBytes") : null,
                MaxResponseMessageBytes = entry.TryGetProperty("maxResponseMessageBytes", out var resp) ? ParseSize(resp, where + ".maxResponseMessageBytes") : null,
                RetryPolicy = TryGetSet(entry, "retryPolicy", out var retry) ? ParseRetryPolicy(retry, where + ".retryPolicy") : null,
            });
        }

        return result;
    }

    /// <param name="seen">Every name of the configs before this one: a name may appear once in the whole config.</param>
    private static List<MethodName> ParseNames(JsonElement entry, string where, HashSet<MethodName> seen)
    {
        var names = new List<MethodName>();
        if (!entry.TryGetProperty("name", out var list))
        {
            return names;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{where}.name must be an array.");
        }

        int i = 0;
        foreach (var name in list.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{where}.name[{i}] must be an object, got {name.ValueKind}.");
            }

            string? service = OptionalString(name, "service", $"{where}.name[{i}]");
            string? method = OptionalString(name, "method", $"{where}.name[{i}]");
            if (string.IsNullOrEmpty(service) && !string.IsNullOrEmpty(method))
            {
                throw new FormatException($"{where}.name has a method (\"{method}\") without a service.");
            }

            var parsed = new MethodName(service ?? "", string.IsNullOrEmpty(method) ? null : method);
            if (!seen.Add(parsed))
            {
                // Which config would a call get? grpc-go rejects the config rather than pick one.
                throw new FormatException($"{where}.name[{i}] ({Describe(parsed)}) is already named by an earlier entry; each name may appear once.");
            }

            names.Add(parsed);
            i++;
        }

        return names;
    }

    /// <summary>A field that is there and not JSON null (protobuf JSON reads null as not set).</summary>
    private static bool TryGetSet(JsonElement parent, string field, out JsonElement value) =>
        parent.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A string field, or null when absent; any other kind (a number, say) is an error, not an empty name.</summary>
    private static string? OptionalString(JsonElement parent, string field, string where)
    {
        if (!TryGetSet(parent, field, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"{where}.{field} must be a string, got {value.GetRawText()}.");
    }

    private static string Describe(MethodName name) =>
        name.Service.Length == 0 ? "the default, no service" : name.Method is null ? $"service \"{name.Service}\"" : $"\"{name.Service}/{name.Method}\"";

    private static bool ParseBool(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"{where} must be true or false, got {value.ValueKind}."),
    };

    private static int ParseSize(JsonElement value, string where)
    {
        // Protobuf JSON encodes uint64 as a string; accept both forms.
        if ((value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n))
            || (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)))
        {
            return n < 0 ? throw new FormatException($"{where} must not be negative.") : (int)Math.Min(n, int.MaxValue);
        }

        throw new FormatException($"{where} must be a non-negative integer.");
    }

    /// <summary>A protobuf JSON Duration: decimal seconds with an "s" suffix, e.g. "1.5s".</summary>
    private static TimeSpan ParseDuration(JsonElement value, string where)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (text.Length < 2 || text[^1] != 's'
            || !decimal.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new FormatException($"{where} must be a duration like \"1.5s\", got {value.GetRawText()}.");
        }

        if (seconds > MaxDurationSeconds)
        {
            throw new FormatException($"{where} must be at most {MaxDurationSeconds}s (protobuf Duration), got {value.GetRawText()}.");
        }

        return TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }
}
