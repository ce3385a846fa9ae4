using Akka.Actor;

namespace ActorChannel.Client.Actors;

/// <summary>
/// Props from a plain factory. Props.Create(() => new X(...)) walks an expression tree at every spawn, which a
/// 10,000-address update would pay 10,000 times. Every channel actor gets the <see cref="ChannelMailbox"/>.
/// </summary>
internal static class ActorProps
{
    public static Props Of<TActor>(Func<TActor> factory)
        where TActor : ActorBase => Props.CreateBy(new Producer<TActor>(factory)).WithMailbox(ChannelMailbox.Id);

    private sealed class Producer<TActor>(Func<TActor> factory) : IIndirectActorProducer
        where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor)
        {
        }
    }
}
