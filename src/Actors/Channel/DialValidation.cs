using ActorChannel.Client.Balancing;
using ActorChannel.Client.Config;
using ActorChannel.Resolution;
using ActorChannel.Transport;
using Grpc.Core;

namespace ActorChannel.Client;

/// <summary>Dial's checks (grpc-go's, plus our own settings); each failure names the bad option.</summary>
internal static class DialValidation
{
    public sealed record Checked(ChannelTarget Target, IResolverFactory ResolverFactory, ServiceConfig DefaultConfig, ChannelCredentials Credentials, TransportSecurity Security, CallCredentials? CallCredentials, IClientTransportFactory TransportFactory);

    public static Checked Check(string target, ManagedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new ArgumentException("The target is empty; give e.g. \"dns:///host:port\" or \"host:port\".", nameof(target));
        }

        var credentials = options.Credentials
            ?? throw new ArgumentException(
                "No transport security chosen: set ManagedChannelOptions.Credentials to ChannelCredentials.Insecure, ChannelCredentials.SecureSsl or new SslCredentials(rootPem).",
                nameof(options));

        TransportSecurity security;
        try
        {
            security = TransportSecurity.Of(credentials);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("ManagedChannelOptions.Credentials: " + e.Message, nameof(options), e);
        }

        if (!security.IsSecure && options.CallCredentials is not null && !options.UnsafeUseInsecureChannelCallCredentials)
        {
            throw new ArgumentException(
                "ManagedChannelOptions.CallCredentials require transport security, but the credentials are insecure: use TLS, or set UnsafeUseInsecureChannelCallCredentials to send them over plaintext.",
                nameof(options));
        }

        var callCredentials = options.CallCredentials;
        if (!security.IsSecure && security.CallCredentials is { } composed)
        {
            if (!options.UnsafeUseInsecureChannelCallCredentials)
            {
                throw new ArgumentException(
                    "ManagedChannelOptions.Credentials compose call credentials with insecure credentials; call credentials require transport security: use TLS, or set UnsafeUseInsecureChannelCallCredentials to send them over plaintext.",
                    nameof(options));
            }

            // Opted in: the channel adds them to each call (before the options' own, as the composite would) and the
            // connections are plain h2c, which is all the transport does with insecure credentials.
            credentials = ChannelCredentials.Insecure;
            security = TransportSecurity.Of(credentials);
            callCredentials = callCredentials is null ? composed : CallCredentials.Compose(composed, callCredentials);
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

        return new Checked(parsed, resolverFactory, defaultConfig, credentials, security, callCredentials, transportFactory);
    }

    private static void CheckLimits(ManagedChannelOptions options)
    {
        if (TransportOptions.KeepAliveProblem(options.KeepAlivePingDelay, options.KeepAlivePingTimeout, "ManagedChannelOptions.") is { } keepAlive)
        {
            throw new ArgumentException(keepAlive, nameof(options));
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
