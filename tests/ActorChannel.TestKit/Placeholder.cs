namespace ActorChannel.TestKit; internal static class Placeholder {}
