using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorChannel.Host.Server;

/// <summary>Loads the server's TLS certificate from files, for <see cref="GreeterServerOptions.Certificate"/> (e.g. `serve --tls`).</summary>
public static class ServerCertificate
{
    /// <summary>
    /// A PKCS#12 file (.pfx/.p12, with <paramref name="password"/>), or a PEM certificate with its key in
    /// <paramref name="keyPemPath"/> (or in the same file when null). Throws naming the file and what is wrong.
    /// </summary>
    public static X509Certificate2 Load(string path, string? keyPemPath = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"TLS certificate file '{path}' does not exist.", path);
        }

        try
        {
            var isPkcs12 = path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
            if (isPkcs12)
            {
                return RequireKey(X509CertificateLoader.LoadPkcs12FromFile(path, password), path);
            }

            using var pem = X509Certificate2.CreateFromPemFile(path, keyPemPath ?? path);
            // SslStream on Linux needs a key it can reuse: a PKCS#12 round trip gives one.
            return RequireKey(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null), path);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"Cannot load TLS certificate '{path}'{(keyPemPath is null ? "" : $" with key '{keyPemPath}'")}: {ex.Message}", nameof(path), ex);
        }
    }

    private static X509Certificate2 RequireKey(X509Certificate2 certificate, string path)
    {
        if (certificate.HasPrivateKey)
        {
            return certificate;
        }

        certificate.Dispose();
        throw new ArgumentException($"TLS certificate '{path}' has no private key; a server needs one.", nameof(path));
    }
}
