namespace ActorChannel;

internal static class Placeholder
{
}
