using ActorChannel.Client;
using ActorChannel.Host.Demo;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Host.Tests.Demo;

public sealed class DemoScoreboardTests
{
    private static SubchannelTransition Step(string port, ConnectivityState from, ConnectivityState to) =>
        new(1, 1, TransportAddress.Tcp("127.0.0.1", int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)), from, to, "test");

    [Fact]
    public void The_kill_waits_for_the_victim_s_first_READY_and_only_its_own()
    {
        var board = new DemoScoreboard(["backend-1", "backend-2"], ["127.0.0.1:5001", "127.0.0.1:5002"], TimeProvider.System);
        var victim = board.FirstReady("127.0.0.1:5002");

        board.OnTransition(Step("5002", ConnectivityState.Idle, ConnectivityState.Connecting));
        board.OnTransition(Step("5001", ConnectivityState.Connecting, ConnectivityState.Ready));
        Assert.False(victim.IsCompleted);

        board.OnTransition(Step("5002", ConnectivityState.Connecting, ConnectivityState.Ready));
        Assert.True(victim.IsCompletedSuccessfully);
        // Asked after the fact, it is already done.
        Assert.True(board.FirstReady("127.0.0.1:5001").IsCompletedSuccessfully);
    }
}
