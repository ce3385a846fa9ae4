namespace ActorChannel.Actors.Tests; public class Smoke { [Xunit.Fact] public void Ok() {} }
