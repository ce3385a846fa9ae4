using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace ActorChannel.Transport;

/// <summary>Dials the one socket of a transport (TCP or Unix domain socket) and, for TLS, does the handshake with ALPN h2.</summary>
internal static class SocketDialer
{
    public static async Task<Stream> DialAsync(TransportAddress address, TransportOptions options, TransportSecurity security, string authorityHost, CancellationToken cancellationToken)
    {
        var endPoint = address.EndPoint;
        var socket = endPoint switch
        {
            UnixDomainSocketEndPoint => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
            IPEndPoint ip => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
            _ => new Socket(SocketType.Stream, ProtocolType.Tcp),
        };

        Stream? stream = null;
        try
        {
            if (endPoint is not UnixDomainSocketEndPoint)
            {
                socket.NoDelay = true;
            }

            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (security.IsSecure)
            {
                stream = await HandshakeAsync(stream, address, security, options, authorityHost, cancellationToken).ConfigureAwait(false);
            }

            return stream;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            Dispose(stream, socket);
            throw new TransportConnectException($"Connecting to {address} did not finish before the connect deadline.", ex);
        }
        catch (SocketException ex)
        {
            Dispose(stream, socket);
            throw new TransportConnectException($"Connecting to {address} failed: {ex.SocketErrorCode} ({ex.Message}).", ex);
        }
        catch (TransportConnectException)
        {
            Dispose(stream, socket);
            throw;
        }
        catch (Exception ex)
        {
            Dispose(stream, socket);
            throw new TransportConnectException($"Connecting to {address} failed: {ex.Message}", ex);
        }
    }

    private static async Task<Stream> HandshakeAsync(Stream stream, TransportAddress address, TransportSecurity security, TransportOptions options, string authorityHost, CancellationToken cancellationToken)
    {
        var targetHost = options.TlsServerName ?? authorityHost;
        var validation = new TlsValidation(security, options.ServerCertificateValidation);
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var sslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = validation.Validate,
            EnabledSslProtocols = SslProtocols.None,
            ClientCertificates = security.ClientCertificate is { } client ? [client] : null,
        };

        try
        {
            await ssl.AuthenticateAsClientAsync(sslOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex) when (validation.Failure is not null)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TransportConnectException(
                $"TLS handshake with {address} (server name '{targetHost}') failed: the server certificate was rejected: {validation.Failure}",
                ex,
                isTemporary: false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TransportConnectException($"TLS handshake with {address} (server name '{targetHost}') failed: {ex.Message}", ex);
        }

        if (ssl.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
        {
            var got = ssl.NegotiatedApplicationProtocol.Protocol.IsEmpty ? "none" : ssl.NegotiatedApplicationProtocol.ToString();
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TransportConnectException($"TLS server {address} did not agree to HTTP/2 via ALPN (negotiated: {got}).");
        }

        return ssl;
    }

    private static void Dispose(Stream? stream, Socket socket)
    {
        if (stream is not null)
        {
            stream.Dispose();
        }
        else
        {
            socket.Dispose();
        }
    }
}
