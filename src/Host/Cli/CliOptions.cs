using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ActorChannel.Host.Cli;

/// <summary>Options several commands share, with their checks, so each is spelled and validated once.</summary>
public static class CliOptions
{
    public static readonly string[] Policies = ["pick_first", "round_robin"];

    public static Option<string> Target(string description = "Where to dial: host:port, dns:///host:port, ipv4:a:p,b:p, unix:/path") => new("--target", "-t")
    {
        Description = description,
        Required = true,
    };

    public static Option<string> Policy(string defaultPolicy)
    {
        var option = new Option<string>("--lb")
        {
            Description = "Load-balancing policy: pick_first or round_robin",
            DefaultValueFactory = _ => defaultPolicy,
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Policies.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"Unknown load-balancing policy '{value}'; use pick_first or round_robin.");
            }
        });
        return option;
    }

    public static Option<TimeSpan> Duration(string name, string? alias, TimeSpan defaultValue, string description)
    {
        var option = alias is null ? new Option<TimeSpan>(name) : new Option<TimeSpan>(name, alias);
        option.Description = description + " (e.g. 500ms, 10s, 2m)";
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => ParseDuration(result, name);
        return option;
    }

    public static Option<int> Positive(string name, string? alias, int defaultValue, string description)
    {
        var option = alias is null ? new Option<int>(name) : new Option<int>(name, alias);
        option.Description = description;
        option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError($"{name} must be a positive number, got {result.GetValueOrDefault<int>()}.");
            }
        });
        return option;
    }

    /// <summary>"250ms", "10s", "2m", "1.5s" or a bare number of seconds; hh:mm:ss also works.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0 && double.IsFinite(amount))
        {
            value = TimeSpan.FromSeconds(amount * scale);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    private static TimeSpan ParseDuration(ArgumentResult result, string name)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParseDuration(token, out var value))
        {
            return value;
        }

        result.AddError($"{name} '{token}' is not a duration; write e.g. 500ms, 10s or 2m.");
        return default;
    }
}
