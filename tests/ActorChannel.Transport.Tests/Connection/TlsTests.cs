using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Connection;

public class TlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Tls_with_the_given_root_alpn_h2_and_frame_events()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        var events = new EventRecorder();
        await using var t = await Connect(server, ChannelCredentials.Tls(TestCertificates.Ca), events.Record);
        // The HTTP/2 handshake runs over TLS inside ConnectAsync too: SETTINGS seen before any call.
        Assert.Single(events.Events.OfType<ConnectionEvent.SettingsReceived>());
        Assert.Equal("secure", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "secure", TestMethods.Safe));
        await events.WaitFor<ConnectionEvent.SettingsReceived>(Wait);
    }

    [Fact]
    public async Task Self_signed_certificate_given_as_its_own_root()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.SelfSigned);
        var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestCertificates.SelfSigned.RawData);
        await using var t = await Connect(server, ChannelCredentials.Tls(publicOnly), _ => { });
        Assert.Equal("self", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "self", TestMethods.Safe));

        // Against a different root it is rejected, naming the chain error.
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, ChannelCredentials.Tls(TestCertificates.Ca), _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("against the given root certificate", ex.Message);
    }

    [Fact]
    public async Task Server_name_override_sets_sni_and_the_checked_name()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var ok = await Connect(server, ChannelCredentials.Tls(TestCertificates.Ca, "foo.test"), _ => { });
        Assert.Equal("x", await ok.Invoker.AsyncUnaryCall(TestMethods.Unary(), "x", TestMethods.Safe));

        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, ChannelCredentials.Tls(TestCertificates.Ca, "wrong.test"), _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("RemoteCertificateNameMismatch", ex.Message);
        Assert.Contains("wrong.test", ex.Message);
    }

    [Fact]
    public async Task Untrusted_certificate_is_a_permanent_connect_error_and_calls_are_unavailable_naming_it()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        var t = new HttpClientTransport(server.Address, new TransportOptions { Credentials = ChannelCredentials.Tls() }, _ => { });
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(CancellationToken.None));
        Assert.False(ex.IsTemporary);
        Assert.Contains("RemoteCertificateChainErrors", ex.Message);
        Assert.Contains("PartialChain", ex.Message);

        var call = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "x", TestMethods.Safe));
        Assert.Equal(StatusCode.Unavailable, call.StatusCode);
        Assert.Contains("PartialChain", call.Status.Detail);
    }

    [Fact]
    public async Task Validation_callback_decides()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var ok = await Connect(server, ChannelCredentials.Tls((_, cert, _, _) => cert?.Subject == "CN=localhost"), _ => { });
        Assert.Equal("cb", await ok.Invoker.AsyncUnaryCall(TestMethods.Unary(), "cb", TestMethods.Safe));

        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, ChannelCredentials.Tls((_, _, _, _) => false), _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("validation callback", ex.Message);
    }

    [Fact]
    public async Task Call_credentials_requiring_tls_are_sent_over_tls()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var t = await Connect(server, ChannelCredentials.Tls(TestCertificates.Ca), _ => { });
        var creds = CallCredentials.FromInterceptor((ctx, md, _) =>
        {
            md.Add("x-auth", ctx.ServiceUrl);
            return ValueTask.CompletedTask;
        });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), "m", TestMethods.Safe with { Credentials = creds });
        await call;
        Assert.Equal($"https://127.0.0.1:{server.Port}/test.Echo", (await call.ResponseHeadersAsync).GetValue("echo-x-auth"));
    }

    private static async Task<HttpClientTransport> Connect(TestServer server, ChannelCredentials credentials, Action<ConnectionEvent> observer)
    {
        var t = new HttpClientTransport(server.Address, new TransportOptions { Credentials = credentials }, observer);
        try
        {
            using var cts = new CancellationTokenSource(Wait);
            await t.ConnectAsync(cts.Token);
            return t;
        }
        catch
        {
            await t.DisposeAsync();
            throw;
        }
    }
}
