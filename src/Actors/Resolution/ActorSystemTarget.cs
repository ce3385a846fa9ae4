using Akka.Actor;

namespace ActorChannel.Resolution;

/// <summary>What the resolvers that run inside the channel's actor system (akka-cluster, akka-discovery) check first.</summary>
internal static class ActorSystemTarget
{
    /// <summary>The NAME of <c>scheme:///NAME</c> and the channel's actor system, or an ArgumentException naming what is wrong.</summary>
    /// <param name="what">What NAME stands for, as the error message should say it: "ROLE", "SERVICE".</param>
    public static (string Name, ActorSystem System) Check(ChannelTarget target, ResolverContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        var scheme = target.Scheme;
        if (target.Authority.Length > 0)
        {
            throw TargetSyntax.Invalid(target.Original, $"an {scheme} target has no authority, but '{target.Authority}' was given (write {scheme}:///{what})");
        }

        if (target.Endpoint.Length == 0 || target.Endpoint.Contains('/'))
        {
            throw TargetSyntax.Invalid(target.Original, $"an {scheme} target names one {what.ToLowerInvariant()}: {scheme}:///{what}");
        }

        if (context.System is not { } system)
        {
            throw new ArgumentException($"'{target.Original}': an {scheme} target needs a channel dialled inside an ActorSystem (ManagedChannel.Spawn or Dial(system, ...)).", nameof(target));
        }

        return (target.Endpoint, system);
    }
}
