namespace ActorChannel.Interop.Tests; public class Smoke { [Xunit.Fact] public void Builds() { } }
