namespace ActorChannel.Host.Tests; public class Smoke { [Xunit.Fact] public void Builds() { } }
