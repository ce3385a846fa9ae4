using Grpc.Core;

namespace ActorChannel.Client.Config;

/// <summary>
/// A method config's "retryPolicy" (gRFC A6), as checked by the parser. The channel does not retry calls by it yet:
/// only the transparent retry of calls no server processed runs. It is parsed so that a config gRPC would reject is
/// rejected here too, whole, rather than applied in part.
/// </summary>
/// <param name="MaxAttempts">Attempts including the first; 2 to 5 (larger values are read as 5, as A6 says).</param>
public sealed record RetryPolicy(
    int MaxAttempts,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    double BackoffMultiplier,
    IReadOnlyList<StatusCode> RetryableStatusCodes)
{
    /// <summary>A6's cap on attempts, whatever the config asks for.</summary>
    public const int MaxAttemptsCap = 5;
}

/// <summary>The service config's "retryThrottling" (gRFC A6): maxTokens in (0, 1000], tokenRatio above 0.</summary>
public sealed record RetryThrottling(double MaxTokens, double TokenRatio);
