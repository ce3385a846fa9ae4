using ActorChannel.Resolution;

namespace ActorChannel.Client.Protocol;

/// <summary>What the resolver actor is told.</summary>
internal abstract record ResolverMessage
{
    private ResolverMessage()
    {
    }

    /// <summary>Resolve again soon: at most once per the resolver's MinResolveInterval.</summary>
    public sealed record ResolveNow : ResolverMessage
    {
        public static readonly ResolveNow Instance = new();

        private ResolveNow()
        {
        }
    }

    /// <summary>The rate limit or the failure backoff ended.</summary>
    public sealed record TimerFired : ResolverMessage
    {
        public static readonly TimerFired Instance = new();

        private TimerFired()
        {
        }
    }

    /// <summary>The refresh schedule of the latest answer ran out: look again, unasked.</summary>
    public sealed record RefreshDue : ResolverMessage
    {
        public static readonly RefreshDue Instance = new();

        private RefreshDue()
        {
        }
    }

    public sealed record ResolveFinished(ResolutionResult? Result, Exception? Error) : ResolverMessage;

    /// <summary>The resolver pushed a result by itself (a watch, a manual resolver).</summary>
    public sealed record Pushed(ResolutionResult Result) : ResolverMessage;

    public sealed record PushedError(Exception Error) : ResolverMessage;
}
