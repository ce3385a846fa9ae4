using System.Security.Cryptography.X509Certificates;
using ActorChannel.Host.Server;
using ActorChannel.Interop.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Interop.Tests;

public sealed class ServerCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorchannel-cert-").FullName;

    [Fact]
    public void Loads_pem_with_separate_key_and_pfx()
    {
        using var made = TestCertificate.Create();
        var cert = Path.Combine(_dir, "server.crt");
        var key = Path.Combine(_dir, "server.key");
        var pfx = Path.Combine(_dir, "server.pfx");
        File.WriteAllText(cert, made.ExportCertificatePem());
        File.WriteAllText(key, made.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(pfx, made.Export(X509ContentType.Pfx, "pw"));

        using var fromPem = ServerCertificate.Load(cert, key);
        using var fromPfx = ServerCertificate.Load(pfx, password: "pw");
        Assert.True(fromPem.HasPrivateKey && fromPfx.HasPrivateKey);
        Assert.Equal(made.Thumbprint, fromPem.Thumbprint);
    }

    [Fact]
    public void Missing_file_and_missing_key_are_named()
    {
        Assert.Contains("nope.pem", Assert.Throws<FileNotFoundException>(() => ServerCertificate.Load(Path.Combine(_dir, "nope.pem"))).Message);
        using var made = TestCertificate.Create();
        var cert = Path.Combine(_dir, "only.crt");
        File.WriteAllText(cert, made.ExportCertificatePem());
        Assert.Contains("only.crt", Assert.Throws<ArgumentException>(() => ServerCertificate.Load(cert)).Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
