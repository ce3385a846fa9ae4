using Grpc.Core;
using ActorChannel.Client;
using ActorChannel.Client.Backoff;
using ActorChannel.Transport;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorChannel.Host.Cli;

/// <summary>How the CLI dials: plaintext, the chosen policy as the default service config, responses counted per backend.</summary>
public sealed record DialSettings(string Target, string Policy, ILoggerFactory LoggerFactory)
{
    public BackendTally? Tally { get; init; }

    public Action<SubchannelTransition>? TransitionObserver { get; init; }

    public BackoffOptions Backoff { get; init; } = BackoffOptions.Default;

    /// <summary>When set, the channel becomes a top-level actor of this system; otherwise it lives in the process-wide shared system.</summary>
    public ActorSystem? System { get; init; }
}

public static class ChannelDialer
{
    public static string ServiceConfigFor(string policy) => $$$"""{"loadBalancingConfig":[{"{{{policy}}}":{}}]}""";

    /// <exception cref="ArgumentException">The target or a setting is invalid; the message says which.</exception>
    public static ManagedChannel Dial(DialSettings settings)
    {
        var options = Options(settings);
        return settings.System is { } system ? ManagedChannel.Dial(system, settings.Target, options) : ManagedChannel.Dial(settings.Target, options);
    }

    public static ManagedChannelOptions Options(DialSettings settings) => new()
    {
        Credentials = ChannelCredentials.Insecure,
        DefaultServiceConfig = ServiceConfigFor(settings.Policy),
        TransportFactory = settings.Tally is { } tally
            ? new AttributingTransportFactory(HttpClientTransportFactory.Instance, tally)
            : HttpClientTransportFactory.Instance,
        LoggerFactory = settings.LoggerFactory,
        TransitionObserver = settings.TransitionObserver,
        Backoff = settings.Backoff,
    };
}
