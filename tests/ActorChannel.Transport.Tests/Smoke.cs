namespace ActorChannel.Transport.Tests; public class Smoke { [Xunit.Fact] public void Builds() { } }
