using ActorChannel.Transport;

namespace ActorChannel.Client.Calls;

/// <summary>The channel's per-call credentials and the call's own, applied in that order.</summary>
internal sealed class CompositeCallCredentials : CallCredentials
{
    private readonly CallCredentials _first;
    private readonly CallCredentials _second;

    private CompositeCallCredentials(CallCredentials first, CallCredentials second)
    {
        _first = first;
        _second = second;
    }

    public override bool RequiresTransportSecurity => _first.RequiresTransportSecurity || _second.RequiresTransportSecurity;

    public static CallCredentials Of(CallCredentials first, CallCredentials second) => new CompositeCallCredentials(first, second);

    public override async ValueTask ApplyAsync(CallCredentialsContext context, Metadata headers, CancellationToken cancellationToken)
    {
        await _first.ApplyAsync(context, headers, cancellationToken).ConfigureAwait(false);
        await _second.ApplyAsync(context, headers, cancellationToken).ConfigureAwait(false);
    }
}
