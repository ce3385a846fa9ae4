using Grpc.Core;
using System.Security.Cryptography.X509Certificates;
using ActorChannel.Client;
using ActorChannel.Client.Backoff;
using ActorChannel.Transport;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Hosting;

/// <summary>
/// A channel's settings in a form configuration can bind (appsettings.json, environment, command line):
/// <code>"ActorChannel": { "Greeter": { "Target": "dns:///greeter:50051", "LoadBalancingPolicy": "round_robin" } }</code>
/// Settings that are objects rather than values (credentials callbacks, a fake transport) go through
/// <see cref="ActorChannelBuilder.ConfigureChannel"/>.
/// </summary>
public sealed class ActorChannelOptions
{
    /// <summary>The dial target, e.g. "dns:///host:port", "host:port", "ipv4:10.0.0.1:50051,10.0.0.2:50051".</summary>
    public string Target { get; set; } = "";

    /// <summary>pick_first or round_robin; shorthand for a service config with that policy. Not with <see cref="ServiceConfig"/>.</summary>
    public string? LoadBalancingPolicy { get; set; }

    /// <summary>Default service config JSON, used until the resolver supplies one.</summary>
    public string? ServiceConfig { get; set; }

    /// <summary>TLS (true) or plaintext h2c (false, the default).</summary>
    public bool UseTls { get; set; }

    /// <summary>With TLS: trust only this root certificate (PEM or DER file) instead of the system's roots.</summary>
    public string? RootCertificatePath { get; set; }

    public string? Authority { get; set; }

    public string DefaultScheme { get; set; } = "dns";

    public BackoffSettings Backoff { get; set; } = new();

    public TimeSpan? KeepAlivePingDelay { get; set; }

    public TimeSpan? KeepAlivePingTimeout { get; set; }

    public int? MaxReceiveMessageSize { get; set; }

    public int? MaxSendMessageSize { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Dial when the host starts instead of at the first use, so the connection is warm.</summary>
    public bool ConnectOnStart { get; set; }

    /// <summary>The channel options these settings stand for. Throws ArgumentException naming the bad setting.</summary>
    public ManagedChannelOptions ToManagedChannelOptions(string name, ILoggerFactory loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(Target))
        {
            throw new ArgumentException($"ActorChannel '{name}': Target is not set.");
        }

        if (LoadBalancingPolicy is not null && ServiceConfig is not null)
        {
            throw new ArgumentException($"ActorChannel '{name}': set LoadBalancingPolicy or ServiceConfig, not both.");
        }

        var defaults = new ManagedChannelOptions();
        return defaults with
        {
            Credentials = !UseTls ? ChannelCredentials.Insecure : LoadRoot(name) is { } root ? new SslCredentials(root.ExportCertificatePem()) : ChannelCredentials.SecureSsl,
            DefaultServiceConfig = ServiceConfig ?? (LoadBalancingPolicy is { } policy ? $$$"""{"loadBalancingConfig":[{"{{{policy}}}":{}}]}""" : null),
            Authority = Authority,
            DefaultScheme = DefaultScheme,
            Backoff = Backoff.ToBackoffOptions(),
            KeepAlivePingDelay = KeepAlivePingDelay ?? defaults.KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout ?? defaults.KeepAlivePingTimeout,
            MaxReceiveMessageSize = MaxReceiveMessageSize ?? defaults.MaxReceiveMessageSize,
            MaxSendMessageSize = MaxSendMessageSize,
            UserAgent = UserAgent,
            LoggerFactory = loggerFactory,
        };
    }

    private X509Certificate2? LoadRoot(string name)
    {
        if (RootCertificatePath is null)
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(RootCertificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"ActorChannel '{name}': cannot load RootCertificatePath '{RootCertificatePath}': {e.Message}", e);
        }
    }
}

/// <summary>Connection backoff as configuration values; unset ones keep the spec's defaults.</summary>
public sealed class BackoffSettings
{
    public TimeSpan? InitialBackoff { get; set; }

    public double? Multiplier { get; set; }

    public double? Jitter { get; set; }

    public TimeSpan? MaxBackoff { get; set; }

    public TimeSpan? MinConnectTimeout { get; set; }

    public BackoffOptions ToBackoffOptions()
    {
        var d = BackoffOptions.Default;
        return new BackoffOptions
        {
            InitialBackoff = InitialBackoff ?? d.InitialBackoff,
            Multiplier = Multiplier ?? d.Multiplier,
            Jitter = Jitter ?? d.Jitter,
            MaxBackoff = MaxBackoff ?? d.MaxBackoff,
            MinConnectTimeout = MinConnectTimeout ?? d.MinConnectTimeout,
        };
    }
}
