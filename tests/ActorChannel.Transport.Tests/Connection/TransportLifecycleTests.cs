using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

public class TransportLifecycleTests
{
    [Fact]
    public async Task Close_while_dialing_aborts_the_dial()
    {
        // A TLS server that never answers the handshake keeps the dial pending.
        await using var silent = new RawServer(async (s, ct) => await ct.WhenCancelled());
        var events = new EventRecorder();
        var t = new HttpClientTransport(silent.Address, new TransportOptions { Credentials = ChannelCredentials.SecureSsl }, events.Record);
        var connecting = t.ConnectAsync(CancellationToken.None);
        Assert.False(connecting.IsCompleted);
        await t.CloseAsync();
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("closed while connecting", ex.Message);
        Assert.IsType<ConnectionEvent.Closed>(Assert.Single(events.Events));
    }

    [Fact]
    public async Task Close_right_after_connect_started_is_seen_before_the_dial()
    {
        // CloseAsync lands after ConnectAsync moved to Connecting but before the dial's cancellation
        // source exists: the dial must not start with a token nobody will cancel.
        await using var silent = new RawServer(async (s, ct) => await ct.WhenCancelled());
        var t = new HttpClientTransport(silent.Address, new TransportOptions { Credentials = ChannelCredentials.SecureSsl }, _ => { });
        var dialedLive = false;
        t.OnConnectingForTests = () => t.CloseAsync().AsTask().GetAwaiter().GetResult();
        t.OnDialForTests = token => dialedLive = !token.IsCancellationRequested;
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("closed while connecting", ex.Message);
        Assert.False(dialedLive, "the dial started with a token the earlier CloseAsync could not cancel");
    }

    [Fact]
    public async Task Connect_after_close_and_graceful_close_of_an_idle_transport()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var closedFirst = new HttpClientTransport(server.Address, new TransportOptions(), _ => { });
        await closedFirst.CloseAsync();
        await Assert.ThrowsAsync<TransportConnectException>(() => closedFirst.ConnectAsync(CancellationToken.None));

        var events = new EventRecorder();
        await using var idle = await LifetimeCallTestsAccess.Connect(server, events.Record);
        idle.GracefulClose();
        var closed = await events.WaitFor<ConnectionEvent.Closed>(TimeSpan.FromSeconds(10));
        Assert.Equal(CloseReason.LocalClose, closed.Reason);
        Assert.Contains("is closed", (await Assert.ThrowsAsync<TransportConnectException>(() => idle.ConnectAsync(CancellationToken.None))).Message);
    }

    [Theory]
    [InlineData(500, 20_000)]
    [InlineData(10_000, 200)]
    public void Keepalive_below_one_second_is_refused_naming_the_option(int delayMs, int timeoutMs)
    {
        var options = new TransportOptions { KeepAlivePingDelay = TimeSpan.FromMilliseconds(delayMs), KeepAlivePingTimeout = TimeSpan.FromMilliseconds(timeoutMs) };
        var ex = Assert.Throws<ArgumentException>(() => new HttpClientTransport(TransportAddress.Tcp("127.0.0.1", 1), options, _ => { }));
        Assert.Contains("KeepAlivePing", ex.Message);
    }
}
