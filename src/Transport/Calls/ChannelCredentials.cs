using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ActorChannel.Transport;

/// <summary>Transport security for a connection: plaintext h2c or TLS.</summary>
public abstract class ChannelCredentials
{
    private protected ChannelCredentials()
    {
    }

    /// <summary>Plaintext HTTP/2 (h2c with prior knowledge).</summary>
    public static ChannelCredentials Insecure { get; } = new InsecureCredentials();

    /// <summary>TLS with ALPN h2, validating the server against the system roots or the given root.</summary>
    public static ChannelCredentials Tls(X509Certificate2? rootCertificate = null, string? serverNameOverride = null) =>
        new TlsCredentials(rootCertificate, serverNameOverride, null);

    /// <summary>TLS with a validation callback of the caller's (tests, pinning).</summary>
    public static ChannelCredentials Tls(RemoteCertificateValidationCallback validation, string? serverNameOverride = null) =>
        new TlsCredentials(null, serverNameOverride, validation);

    public abstract bool IsSecure { get; }
}

public sealed class InsecureCredentials : ChannelCredentials
{
    internal InsecureCredentials()
    {
    }

    public override bool IsSecure => false;

    public override string ToString() => "insecure";
}

public sealed class TlsCredentials : ChannelCredentials
{
    internal TlsCredentials(X509Certificate2? rootCertificate, string? serverNameOverride, RemoteCertificateValidationCallback? validation)
    {
        RootCertificate = rootCertificate;
        ServerNameOverride = serverNameOverride;
        Validation = validation;
    }

    public X509Certificate2? RootCertificate { get; }

    /// <summary>SNI and the name checked against the certificate, when they differ from the authority.</summary>
    public string? ServerNameOverride { get; }

    public RemoteCertificateValidationCallback? Validation { get; }

    public override bool IsSecure => true;

    public override string ToString() => "tls";
}
