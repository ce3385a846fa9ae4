namespace ActorChannel.Transport;

/// <summary>Per-call credentials: adds metadata (e.g. a bearer token) to each call.</summary>
public abstract class CallCredentials
{
    /// <summary>True when the credentials must not travel over a plaintext connection.</summary>
    public virtual bool RequiresTransportSecurity => true;

    /// <summary>Adds this call's credential metadata to <paramref name="headers"/>.</summary>
    public abstract ValueTask ApplyAsync(CallCredentialsContext context, Metadata headers, CancellationToken cancellationToken);

    /// <summary>Credentials from a function that yields the metadata to add, e.g. a token from a cache.</summary>
    public static CallCredentials FromInterceptor(Func<CallCredentialsContext, Metadata, CancellationToken, ValueTask> interceptor, bool requiresTransportSecurity = true) =>
        new DelegateCallCredentials(interceptor, requiresTransportSecurity);

    private sealed class DelegateCallCredentials(Func<CallCredentialsContext, Metadata, CancellationToken, ValueTask> interceptor, bool requiresTls) : CallCredentials
    {
        public override bool RequiresTransportSecurity => requiresTls;

        public override ValueTask ApplyAsync(CallCredentialsContext context, Metadata headers, CancellationToken cancellationToken) =>
            interceptor(context, headers, cancellationToken);
    }
}

/// <summary>What call credentials may know of the call: the service URL and the method.</summary>
public readonly record struct CallCredentialsContext(string ServiceUrl, string MethodName);
