using ActorChannel.Client.Balancing;
using ActorChannel.Client.Config;
using ActorChannel.Resolution;
using ActorChannel.Transport;

namespace ActorChannel.Client;

/// <summary>Dial's checks (grpc-go's, plus our own settings); each failure names the bad option.</summary>
internal static class DialValidation
{
    public sealed record Checked(ChannelTarget Target, IResolverFactory ResolverFactory, ServiceConfig DefaultConfig, ChannelCredentials Credentials, CallCredentials? CallCredentials, IClientTransportFactory TransportFactory);

    public static Checked Check(string target, ManagedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new ArgumentException("The target is empty; give e.g. \"dns:///host:port\" or \"host:port\".", nameof(target));
        }

        if (options.Credentials is not null && options.CredentialsBundle is not null)
        {
            throw new ArgumentException("Both ManagedChannelOptions.Credentials and ManagedChannelOptions.CredentialsBundle are set; set only one.", nameof(options));
        }

        var credentials = options.Credentials ?? options.CredentialsBundle?.TransportCredentials
            ?? throw new ArgumentException(
                "No transport security chosen: set ManagedChannelOptions.Credentials to ChannelCredentials.Insecure or ChannelCredentials.Tls(...) (or set a CredentialsBundle).",
                nameof(options));

        var callCredentials = Combine(options.CredentialsBundle?.CallCredentials, options.CallCredentials);
        if (!credentials.IsSecure && callCredentials is { RequiresTransportSecurity: true })
        {
            throw new ArgumentException(
                "The per-call credentials require transport security, but the transport credentials are insecure: use TLS or credentials that allow plaintext.",
                nameof(options));
        }

        options.Backoff.Validate();
        CheckLimits(options);
        var transportFactory = options.TransportFactory ?? HttpClientTransportFactory.Instance;

        var registry = options.Resolvers ?? ResolverRegistry.Default;
        var parsed = registry.Resolve(target, options.DefaultScheme, out var resolverFactory);

        var defaultConfig = ServiceConfig.Empty;
        if (options.DefaultServiceConfig is { } json)
        {
            try
            {
                defaultConfig = ServiceConfigParser.Parse(json, Policies.IsKnown);
            }
            catch (FormatException e)
            {
                throw new ArgumentException("ManagedChannelOptions.DefaultServiceConfig is invalid: " + e.Message, nameof(options), e);
            }
        }

        return new Checked(parsed, resolverFactory, defaultConfig, credentials, callCredentials, transportFactory);
    }

    private static CallCredentials? Combine(CallCredentials? first, CallCredentials? second) =>
        first is null ? second : second is null ? first : Calls.CompositeCallCredentials.Of(first, second);

    private static void CheckLimits(ManagedChannelOptions options)
    {
        if (options.KeepAlivePingDelay != Timeout.InfiniteTimeSpan && options.KeepAlivePingDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ManagedChannelOptions.KeepAlivePingDelay must be positive or Timeout.InfiniteTimeSpan, got {options.KeepAlivePingDelay}.", nameof(options));
        }

        if (options.KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ManagedChannelOptions.KeepAlivePingTimeout must be positive, got {options.KeepAlivePingTimeout}.", nameof(options));
        }

        if (options.MaxReceiveMessageSize < 0 || options.MaxSendMessageSize < 0)
        {
            throw new ArgumentException("ManagedChannelOptions.MaxReceiveMessageSize and MaxSendMessageSize must not be negative.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.DefaultScheme))
        {
            throw new ArgumentException("ManagedChannelOptions.DefaultScheme is empty.", nameof(options));
        }
    }
}
