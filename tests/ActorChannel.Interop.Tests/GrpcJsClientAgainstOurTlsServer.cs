using System.Security.Cryptography.X509Certificates;
using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Interop.Tests;

/// <summary>The grpc-js client over TLS (ALPN h2) against our server with a certificate the test made.</summary>
public sealed class GrpcJsClientAgainstOurTlsServer
{
    [Fact]
    public async Task Cases_pass_over_tls()
    {
        using var certificate = TestCertificate.Create();
        var pem = TestCertificate.WritePem(certificate);
        try
        {
            await using var server = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "tls", Certificate = certificate });
            var (lines, exit) = await PeerClient.RunGrpcJsAsync(
                $"{TestCertificate.HostName}:{server.Port}", "--ca", pem, "--cases", "unary,echo,server_stream,client_stream,bidi,metadata,error_non_ascii,large,gzip");
            Assert.True(exit == 0, string.Join('\n', lines));
            Assert.Contains("PASS unary tls", lines);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public async Task A_certificate_without_private_key_is_refused_clearly()
    {
        using var certificate = TestCertificate.Create();
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GreeterServer.StartAsync(new GreeterServerOptions { Certificate = publicOnly }));
        Assert.Contains("private key", error.Message);
    }

    [Fact]
    public async Task A_port_in_use_is_refused_naming_the_address()
    {
        await using var first = await GreeterServer.StartAsync(new GreeterServerOptions());
        var error = await Assert.ThrowsAsync<IOException>(() => GreeterServer.StartAsync(new GreeterServerOptions { Port = first.Port }));
        Assert.Contains($"127.0.0.1:{first.Port}", error.Message);
    }
}
