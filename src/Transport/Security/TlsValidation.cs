using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorChannel.Transport;

/// <summary>
/// Validates the server certificate against the system roots, given roots (custom trust store),
/// or the caller's callback, and remembers why it failed so the error can name it.
/// </summary>
internal sealed class TlsValidation(TransportSecurity security, RemoteCertificateValidationCallback? replacement)
{
    /// <summary>Why the certificate was rejected; null while it was not.</summary>
    public string? Failure { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (replacement is { } callback)
        {
            var ok = callback(sender, certificate, chain, errors);
            if (!ok)
            {
                Failure = $"the validation callback refused it (policy errors: {errors})";
            }

            return ok;
        }

        if (certificate is null)
        {
            Failure = "the server sent no certificate";
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            Failure = $"RemoteCertificateNameMismatch: the certificate ({certificate.Subject}) does not name the server";
            return false;
        }

        if (security.RootCertificates is not { } roots)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            Failure = errors + Describe(chain);
            return false;
        }

        // A given root: build the chain against it alone, ignoring the system store's verdict.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (custom.Build(leaf))
        {
            return true;
        }

        Failure = "RemoteCertificateChainErrors against the given root certificates" + Describe(custom);
        return false;
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null || chain.ChainStatus.Length == 0)
        {
            return "";
        }

        var sb = new StringBuilder(" (");
        foreach (var s in chain.ChainStatus)
        {
            if (sb.Length > 2)
            {
                sb.Append("; ");
            }

            sb.Append(s.Status).Append(": ").Append(s.StatusInformation.Trim());
        }

        return sb.Append(')').ToString();
    }
}
