namespace ActorChannel.Kernel;

/// <summary>The root of the user tree ("/user"): parent of every top-level actor; does nothing itself.</summary>
internal sealed class Guardian : Actor<Guardian.Nothing>
{
    protected override void Receive(Nothing message)
    {
    }

    internal sealed record Nothing;
}
