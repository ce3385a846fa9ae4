namespace ActorChannel.Resolution;

/// <summary>A resolution that failed for a reason other than a malformed target: no address, a lookup error, a timeout.</summary>
public sealed class NameResolutionException : Exception
{
    public NameResolutionException(string message)
        : base(message)
    {
    }

    public NameResolutionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
