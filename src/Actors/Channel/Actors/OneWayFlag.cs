namespace ActorChannel.Client.Actors;

/// <summary>A flag an actor sets once and callbacks on other threads read without a lock.</summary>
internal sealed class OneWayFlag
{
    private int _set;

    public bool IsSet => Volatile.Read(ref _set) != 0;

    public void Set() => Volatile.Write(ref _set, 1);
}
