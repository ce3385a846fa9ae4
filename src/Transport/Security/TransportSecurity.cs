using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace ActorChannel.Transport;

/// <summary>
/// What a connection does with Grpc.Core's <see cref="ChannelCredentials"/>: plaintext or TLS, which roots to trust,
/// which client certificate to present, and the call credentials a composite adds to every call. Read once through
/// Grpc.Core's configurator, so any credentials a user builds from Grpc.Core's factories are understood.
/// </summary>
public sealed record TransportSecurity(
    bool IsSecure,
    X509Certificate2Collection? RootCertificates,
    X509Certificate2? ClientCertificate,
    CallCredentials? CallCredentials)
{
    /// <exception cref="ArgumentException">The credentials are of a kind this transport cannot use, or their PEM does not parse.</exception>
    public static TransportSecurity Of(ChannelCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var reader = new Reader();
        credentials.InternalPopulateConfiguration(reader, reader);
        return reader.Result ?? throw new ArgumentException($"Channel credentials {credentials.GetType().Name} chose neither plaintext nor TLS.", nameof(credentials));
    }

    public override string ToString() => IsSecure ? (RootCertificates is null ? "tls" : "tls (given roots)") : "insecure";

    private sealed class Reader : ChannelCredentialsConfiguratorBase
    {
        private CallCredentials? _callCredentials;

        public TransportSecurity? Result { get; private set; }

        public override void SetInsecureCredentials(object state) =>
            Result = new TransportSecurity(false, null, null, _callCredentials);

        public override void SetSslCredentials(object state, string? rootCertificates, KeyCertificatePair? keyCertificatePair, VerifyPeerCallback? verifyPeerCallback)
        {
            if (verifyPeerCallback is not null)
            {
                // Grpc.Core gives no public way to build the VerifyPeerContext the callback takes.
                throw new ArgumentException("SslCredentials with a VerifyPeerCallback are not supported; set TransportOptions.ServerCertificateValidation (ManagedChannelOptions.ServerCertificateValidation) instead.", nameof(verifyPeerCallback));
            }

            Result = new TransportSecurity(true, ParseRoots(rootCertificates), ParseClient(keyCertificatePair), _callCredentials);
        }

        public override void SetCompositeCredentials(object state, ChannelCredentials channelCredentials, CallCredentials callCredentials)
        {
            _callCredentials = _callCredentials is null ? callCredentials : CallCredentials.Compose(callCredentials, _callCredentials);
            channelCredentials.InternalPopulateConfiguration(this, state);
        }

        private static X509Certificate2Collection? ParseRoots(string? pem)
        {
            if (string.IsNullOrWhiteSpace(pem))
            {
                return null;
            }

            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPem(pem);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new ArgumentException($"The root certificates of the SslCredentials are not valid PEM: {e.Message}", nameof(pem), e);
            }

            return roots.Count > 0 ? roots : throw new ArgumentException("The root certificates of the SslCredentials hold no certificate.", nameof(pem));
        }

        private static X509Certificate2? ParseClient(KeyCertificatePair? pair)
        {
            if (pair is null)
            {
                return null;
            }

            try
            {
                return X509Certificate2.CreateFromPem(pair.CertificateChain, pair.PrivateKey);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new ArgumentException($"The client certificate of the SslCredentials does not parse: {e.Message}", nameof(pair), e);
            }
        }
    }
}
