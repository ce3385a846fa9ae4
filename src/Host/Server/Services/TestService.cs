using ActorChannel.Host.Clients;
using ActorChannel.Host.Server.Grpc;
using ActorChannel.Protos.Testing;
using ActorChannel.Transport;
using Google.Protobuf;

namespace ActorChannel.Host.Server.Services;

/// <summary>
/// actorchannel.testing.TestService (test_service.proto): echo, server stream of N, client stream sum,
/// bidi echo. Request metadata "x-echo-*" is echoed into response headers and trailers.
/// </summary>
internal sealed class TestService(string instanceName)
{
    public const string EchoPrefix = "x-echo-";

    public void Register(ServiceRegistry registry) => registry
        .AddUnary(TestServiceMethods.Echo, EchoAsync)
        .AddServerStreaming(TestServiceMethods.ServerStream, ServerStreamAsync)
        .AddClientStreaming(TestServiceMethods.ClientStreamSum, ClientStreamSumAsync)
        .AddDuplexStreaming(TestServiceMethods.BidiEcho, BidiEchoAsync);

    private async Task<EchoReply> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        EchoMetadata(context);
        return await ReplyAsync(request, context).ConfigureAwait(false);
    }

    private async Task ServerStreamAsync(StreamRequest request, IServerStreamWriter<StreamItem> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        for (var i = 0; i < request.Count; i++)
        {
            if (i > 0 && request.IntervalMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(request.IntervalMs), context.TimeProvider, context.CancellationToken).ConfigureAwait(false);
            }

            var item = new StreamItem { Index = i, Payload = ByteString.CopyFrom(new byte[Math.Max(0, request.PayloadSize)]) };
            await responses.WriteAsync(item).ConfigureAwait(false);
        }
    }

    private static async Task<SumReply> ClientStreamSumAsync(IAsyncStreamReader<SumRequest> requests, ServerCallContext context)
    {
        EchoMetadata(context);
        var reply = new SumReply();
        while (await requests.MoveNextAsync().ConfigureAwait(false))
        {
            reply.Sum += requests.Current.Value;
            reply.Count++;
        }

        return reply;
    }

    private async Task BidiEchoAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        EchoMetadata(context);
        while (await requests.MoveNextAsync().ConfigureAwait(false))
        {
            await responses.WriteAsync(await ReplyAsync(requests.Current, context).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task<EchoReply> ReplyAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(request.DelayMs), context.TimeProvider, context.CancellationToken).ConfigureAwait(false);
        }

        if (request.FailWith is { Code: not 0 } fail)
        {
            throw new RpcException(new Status((StatusCode)fail.Code, fail.Message));
        }

        var payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload;
        return new EchoReply { Payload = payload, Server = "actorchannel/" + instanceName };
    }

    private static void EchoMetadata(ServerCallContext context)
    {
        if (context.RequestEncoding is { } encoding)
        {
            // Lets a client check that its request really travelled compressed.
            context.ResponseHeaders.Add("x-request-grpc-encoding", encoding);
        }

        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith(EchoPrefix, StringComparison.Ordinal))
            {
                context.ResponseHeaders.AddEntry(entry);
                context.ResponseTrailers.AddEntry(entry);
            }
        }
    }
}
