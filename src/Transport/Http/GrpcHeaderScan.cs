using System.Net.Http.Headers;

namespace ActorChannel.Transport;

/// <summary>
/// The gRPC headers of a response or its trailers, found in one pass over the few headers there are
/// (cheaper than a lookup by name per header, which re-parses the name each time).
/// </summary>
internal readonly struct GrpcHeaderScan
{
    private GrpcHeaderScan(string? status, string? message, string? encoding)
    {
        Status = status;
        Message = message;
        Encoding = encoding;
    }

    public string? Status { get; }

    public string? Message { get; }

    public string? Encoding { get; }

    public static GrpcHeaderScan Of(HttpHeaders headers)
    {
        string? status = null, message = null, encoding = null;
        foreach (var (name, values) in headers.NonValidated)
        {
            switch (name.Length)
            {
                case 11 when status is null && name.Equals(GrpcProtocol.StatusHeader, StringComparison.OrdinalIgnoreCase):
                    status = First(values);
                    break;
                case 12 when message is null && name.Equals(GrpcProtocol.MessageHeader, StringComparison.OrdinalIgnoreCase):
                    message = First(values);
                    break;
                case 13 when encoding is null && name.Equals(GrpcProtocol.EncodingHeader, StringComparison.OrdinalIgnoreCase):
                    encoding = First(values);
                    break;
            }
        }

        return new GrpcHeaderScan(status, message, encoding);
    }

    private static string? First(HeaderStringValues values)
    {
        foreach (var v in values)
        {
            return v;
        }

        return null;
    }
}
