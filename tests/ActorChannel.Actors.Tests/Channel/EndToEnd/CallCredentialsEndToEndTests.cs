using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorChannel.Client;
using ActorChannel.Host.Server;
using ActorChannel.Protos.Testing;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Call credentials against the real server: refused over plaintext (UNAUTHENTICATED, before any pick) unless the channel
/// opts in with UnsafeUseInsecureChannelCallCredentials, in which case the server sees their header; over TLS, a
/// composite of TLS and call credentials (grpc-go's credentials bundle) adds its header to every call. The test service
/// echoes "x-echo-*" request headers, which is how a test sees what the server got.
/// </summary>
[Collection("channel end to end")]
public sealed class CallCredentialsEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Loopback _loopback = new(output);
    private int _tokensMinted;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    [Fact]
    public async Task Per_call_credentials_on_a_plaintext_channel_are_refused_unauthenticated()
    {
        var backend = await _loopback.StartAsync("plain");
        var client = new TestService.TestServiceClient(_loopback.Dial(Loopback.Target(backend)));
        var withToken = Loopback.Options().WithCredentials(Token("x-echo-token", "t1"));

        var unary = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest(), withToken).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unary.StatusCode);
        Assert.Contains("UnsafeUseInsecureChannelCallCredentials", unary.Status.Detail);

        using var stream = client.ServerStream(new StreamRequest { Count = 1 }, withToken);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext())).StatusCode);

        // Nothing reached the server, and the credentials were never asked for a token.
        Assert.Equal(0, backend.Events.CallsStarted);
        Assert.Equal(0, _tokensMinted);
        Assert.NotNull(await client.EchoAsync(new EchoRequest(), Loopback.Options()));
    }

    [Fact]
    public async Task With_UnsafeUseInsecureChannelCallCredentials_the_server_sees_the_channel_s_and_the_call_s_credentials()
    {
        var backend = await _loopback.StartAsync("opted-in");
        var channel = _loopback.Dial(Loopback.Target(backend), new ManagedChannelOptions
        {
            Backoff = Loopback.ShortBackoff,
            CallCredentials = Token("x-echo-channel-token", "c1"),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var client = new TestService.TestServiceClient(channel);

        using var plain = client.EchoAsync(new EchoRequest(), Loopback.Options());
        var headers = await plain.ResponseHeadersAsync;
        Assert.Equal("c1", headers.GetValue("x-echo-channel-token"));
        Assert.Null(headers.Get("x-echo-token"));

        using var both = client.EchoAsync(new EchoRequest(), Loopback.Options().WithCredentials(Token("x-echo-token", "t1")));
        headers = await both.ResponseHeadersAsync;
        Assert.Equal(("c1", "t1"), (headers.GetValue("x-echo-channel-token"), headers.GetValue("x-echo-token")));
    }

    [Fact]
    public async Task An_insecure_composite_with_UnsafeUseInsecureChannelCallCredentials_sends_its_header()
    {
        var backend = await _loopback.StartAsync("plain-composite");
        var composite = ChannelCredentials.Create(ChannelCredentials.Insecure, Token("x-echo-bundle-token", "p1"));
        var channel = _loopback.Dial(Loopback.Target(backend), new ManagedChannelOptions { Backoff = Loopback.ShortBackoff, Credentials = composite, UnsafeUseInsecureChannelCallCredentials = true });

        using var call = new TestService.TestServiceClient(channel).EchoAsync(new EchoRequest(), Loopback.Options());
        Assert.Equal("p1", (await call.ResponseHeadersAsync).GetValue("x-echo-bundle-token"));
    }

    [Fact]
    public async Task Composite_tls_and_call_credentials_send_their_header_on_every_call()
    {
        using var certificate = LoopbackCertificate();
        var backend = await _loopback.StartAsync("tls", certificate: certificate);
        var composite = ChannelCredentials.Create(new SslCredentials(certificate.ExportCertificatePem()), Token("x-echo-bundle-token", "b1"));
        var client = new TestService.TestServiceClient(_loopback.Dial(Loopback.Target(backend), new ManagedChannelOptions { Backoff = Loopback.ShortBackoff, Credentials = composite }));

        using var unary = client.EchoAsync(new EchoRequest(), Loopback.Options());
        Assert.Equal("b1", (await unary.ResponseHeadersAsync).GetValue("x-echo-bundle-token"));
        Assert.Equal("actorchannel/tls", (await unary.ResponseAsync).Server);

        // Over TLS a call's own credentials need no opt-in; they come on top of the composite's.
        using var stream = client.ServerStream(new StreamRequest { Count = 1 }, Loopback.Options().WithCredentials(Token("x-echo-token", "t1")));
        var headers = await stream.ResponseHeadersAsync;
        Assert.Equal(("b1", "t1"), (headers.GetValue("x-echo-bundle-token"), headers.GetValue("x-echo-token")));
        Assert.Equal(1, await stream.ResponseStream.ReadAllAsync().CountAsync());
    }

    private CallCredentials Token(string header, string value) => CallCredentials.FromInterceptor((_, metadata) =>
    {
        Interlocked.Increment(ref _tokensMinted);
        metadata.Add(header, value);
        return Task.CompletedTask;
    });

    /// <summary>A self-signed certificate for 127.0.0.1, its own root; with its key, as Kestrel needs it.</summary>
    private static X509Certificate2 LoopbackCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }
}
