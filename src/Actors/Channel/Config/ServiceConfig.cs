using System.Text.Json;

namespace ActorChannel.Client.Config;

/// <summary>The parts of a service config (service_config.md) the channel acts on.</summary>
public sealed record ServiceConfig
{
    public static ServiceConfig Empty { get; } = new();

    /// <summary>The chosen load-balancing policy name, or null for the channel's default (pick_first).</summary>
    public string? LoadBalancingPolicy { get; init; }

    /// <summary>The chosen policy's own config object from loadBalancingConfig, if any.</summary>
    public JsonElement? LoadBalancingPolicyConfig { get; init; }

    public IReadOnlyList<MethodConfig> MethodConfigs { get; init; } = [];

    /// <summary>"retryThrottling", checked but not acted on yet (see <see cref="RetryPolicy"/>).</summary>
    public RetryThrottling? RetryThrottling { get; init; }

    /// <summary>The method config for "/service/method": exact match first, then the service-wide one, then the default (empty name).</summary>
    public MethodConfig? FindMethodConfig(string service, string method)
    {
        MethodConfig? serviceWide = null, fallback = null;
        foreach (var config in MethodConfigs)
        {
            foreach (var name in config.Names)
            {
                if (name.Service == service && name.Method == method)
                {
                    return config;
                }

                if (name.Service == service && string.IsNullOrEmpty(name.Method))
                {
                    serviceWide ??= config;
                }
                else if (string.IsNullOrEmpty(name.Service))
                {
                    fallback ??= config;
                }
            }
        }

        return serviceWide ?? fallback;
    }
}

/// <summary>One entry of "methodConfig".</summary>
public sealed record MethodConfig
{
    public IReadOnlyList<MethodName> Names { get; init; } = [];

    public bool? WaitForReady { get; init; }

    public TimeSpan? Timeout { get; init; }

    public int? MaxRequestMessageBytes { get; init; }

    public int? MaxResponseMessageBytes { get; init; }

    /// <summary>"retryPolicy", checked but not acted on yet: see <see cref="Config.RetryPolicy"/>.</summary>
    public RetryPolicy? RetryPolicy { get; init; }
}

public readonly record struct MethodName(string Service, string? Method);
