using ActorChannel.Protos.Testing;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace ActorChannel.Host.Server.Services;

/// <summary>
/// actorchannel.testing.TestService (test_service.proto): echo, server stream of N, client stream sum,
/// bidi echo. Request metadata "x-echo-*" is echoed into response headers and trailers.
/// </summary>
/// <param name="time">The clock of the requested delays and stream intervals (a test may pass a virtual one).</param>
internal sealed class TestService(string instanceName, TimeProvider time) : Protos.Testing.TestService.TestServiceBase
{
    public const string EchoPrefix = "x-echo-";

    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        return await ReplyAsync(request, context).ConfigureAwait(false);
    }

    public override async Task ServerStream(StreamRequest request, IServerStreamWriter<StreamItem> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        for (var i = 0; i < request.Count; i++)
        {
            if (i > 0 && request.IntervalMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(request.IntervalMs), time, context.CancellationToken).ConfigureAwait(false);
            }

            var item = new StreamItem { Index = i, Payload = ByteString.CopyFrom(new byte[Math.Max(0, request.PayloadSize)]) };
            await responseStream.WriteAsync(item).ConfigureAwait(false);
        }
    }

    public override async Task<SumReply> ClientStreamSum(IAsyncStreamReader<SumRequest> requestStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        var reply = new SumReply();
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            reply.Sum += requestStream.Current.Value;
            reply.Count++;
        }

        return reply;
    }

    public override async Task BidiEcho(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(await ReplyAsync(requestStream.Current, context).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task<EchoReply> ReplyAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(request.DelayMs), time, context.CancellationToken).ConfigureAwait(false);
        }

        if (request.FailWith is { Code: not 0 } fail)
        {
            throw new RpcException(new Status((StatusCode)fail.Code, fail.Message));
        }

        var payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload;
        return new EchoReply { Payload = payload, Server = "actorchannel/" + instanceName };
    }

    private static Task EchoMetadataAsync(ServerCallContext context)
    {
        var headers = new Metadata();
        // Grpc.AspNetCore keeps grpc-encoding out of RequestHeaders: read it from the HTTP request.
        var request = context.GetHttpContext().Request.Headers;
        var encoding = request["grpc-encoding"].ToString();
        if (encoding.Length > 0 && encoding != "identity")
        {
            // Lets a client check that its request really travelled compressed.
            headers.Add("x-request-grpc-encoding", encoding);
            if (encoding == "gzip" && request["grpc-accept-encoding"].ToString().Contains("gzip", StringComparison.Ordinal))
            {
                // The replies follow the client's choice; this header is how a Grpc.AspNetCore handler picks
                // the call's response encoding (it is not sent as such).
                headers.Add("grpc-internal-encoding-request", "gzip");
            }
        }

        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith(EchoPrefix, StringComparison.Ordinal))
            {
                headers.Add(entry);
                context.ResponseTrailers.Add(entry);
            }
        }

        // Only when there is something to echo: headers sent now turn a later error into headers plus
        // trailers, where a call without them keeps its Trailers-Only error response.
        return headers.Count == 0 ? Task.CompletedTask : context.WriteResponseHeadersAsync(headers);
    }
}
