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
        await using var t = await Connect(server, Roots(TestCertificates.Ca), events.Record);
        // The HTTP/2 handshake runs over TLS inside ConnectAsync too: SETTINGS seen before any call.
        Assert.Single(events.Events.OfType<ConnectionEvent.SettingsReceived>());
        Assert.Equal("secure", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "secure"));
        await events.WaitFor<ConnectionEvent.SettingsReceived>(Wait);
    }

    [Fact]
    public async Task Self_signed_certificate_given_as_its_own_root()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.SelfSigned);
        var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestCertificates.SelfSigned.RawData);
        await using var t = await Connect(server, Roots(publicOnly), _ => { });
        Assert.Equal("self", await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "self"));

        // Against a different root it is rejected, naming the chain error.
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, Roots(TestCertificates.Ca), _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("against the given root certificate", ex.Message);
    }

    [Fact]
    public async Task Server_name_override_sets_sni_and_the_checked_name()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var ok = await Connect(server, Roots(TestCertificates.Ca) with { TlsServerName = "foo.test" }, _ => { });
        Assert.Equal("x", await ok.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "x"));

        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, Roots(TestCertificates.Ca) with { TlsServerName = "wrong.test" }, _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("RemoteCertificateNameMismatch", ex.Message);
        Assert.Contains("wrong.test", ex.Message);
    }

    [Fact]
    public async Task Untrusted_certificate_is_a_permanent_connect_error_and_calls_are_unavailable_naming_it()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        var t = new HttpClientTransport(server.Address, new TransportOptions { Credentials = ChannelCredentials.SecureSsl }, _ => { });
        await using var _t = t;
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => t.ConnectAsync(CancellationToken.None));
        Assert.False(ex.IsTemporary);
        Assert.Contains("RemoteCertificateChainErrors", ex.Message);
        Assert.Contains("PartialChain", ex.Message);

        var call = await Assert.ThrowsAsync<RpcException>(async () => await t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "x"));
        Assert.Equal(StatusCode.Unavailable, call.StatusCode);
        Assert.Contains("PartialChain", call.Status.Detail);
    }

    [Fact]
    public async Task Validation_callback_decides()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var ok = await Connect(server, Validated((_, cert, _, _) => cert?.Subject == "CN=localhost"), _ => { });
        Assert.Equal("cb", await ok.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "cb"));

        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => Connect(server, Validated((_, _, _, _) => false), _ => { }));
        Assert.False(ex.IsTemporary);
        Assert.Contains("validation callback", ex.Message);
    }

    [Fact]
    public async Task Call_credentials_requiring_tls_are_sent_over_tls()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        await using var t = await Connect(server, Roots(TestCertificates.Ca), _ => { });
        var creds = CallCredentials.FromInterceptor((ctx, md) =>
        {
            md.Add("x-auth", ctx.ServiceUrl);
            return Task.CompletedTask;
        });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithCredentials(creds), "m");
        await call;
        Assert.Equal($"https://127.0.0.1:{server.Port}/test.Echo", (await call.ResponseHeadersAsync).GetValue("echo-x-auth"));
    }

    [Fact]
    public async Task Composite_credentials_add_their_call_credentials_to_every_call()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map, TestCertificates.Server);
        var perCall = CallCredentials.FromInterceptor((_, md) =>
        {
            md.Add("x-channel-token", "abc");
            return Task.CompletedTask;
        });
        var options = new TransportOptions { Credentials = ChannelCredentials.Create(new SslCredentials(TestCertificates.Ca.ExportCertificatePem()), perCall) };
        await using var t = await Connect(server, options, _ => { });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");
        await call;
        Assert.Equal("abc", (await call.ResponseHeadersAsync).GetValue("echo-x-channel-token"));
        var limited = t.InvokerFor(1000, 1000).AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe, "m");
        await limited;
        Assert.Equal("abc", (await limited.ResponseHeadersAsync).GetValue("echo-x-channel-token"));
    }

    /// <summary>TLS trusting only the given root (gRPC's SslCredentials with root PEM).</summary>
    private static TransportOptions Roots(System.Security.Cryptography.X509Certificates.X509Certificate2 root) =>
        new() { Credentials = new SslCredentials(root.ExportCertificatePem()) };

    private static TransportOptions Validated(System.Net.Security.RemoteCertificateValidationCallback callback) =>
        new() { Credentials = ChannelCredentials.SecureSsl, ServerCertificateValidation = callback };

    private static async Task<HttpClientTransport> Connect(TestServer server, TransportOptions options, Action<ConnectionEvent> observer)
    {
        var t = new HttpClientTransport(server.Address, options, observer);
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
