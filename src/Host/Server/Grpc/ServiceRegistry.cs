using ActorChannel.Transport;

namespace ActorChannel.Host.Server.Grpc;

/// <summary>The server's routing table: :path to handler, built from the same <see cref="Method{TRequest,TResponse}"/> descriptors the clients use.</summary>
public sealed class ServiceRegistry
{
    private readonly Dictionary<string, RegisteredMethod> _methods = new(StringComparer.Ordinal);

    /// <param name="subjectToBehavior">False for methods the server's delay and fail-with options must not touch (health).</param>
    public ServiceRegistry AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler, bool subjectToBehavior = true) =>
        Add(method, MethodType.Unary, subjectToBehavior, async call =>
        {
            var request = await call.ReadSingleAsync(method.RequestMarshaller).ConfigureAwait(false);
            var response = await handler(request, call.Context).ConfigureAwait(false);
            await call.WriteAsync(method.ResponseMarshaller, response, call.Context.CancellationToken).ConfigureAwait(false);
        });

    public ServiceRegistry AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler, bool subjectToBehavior = true) =>
        Add(method, MethodType.ServerStreaming, subjectToBehavior, async call =>
        {
            var request = await call.ReadSingleAsync(method.RequestMarshaller).ConfigureAwait(false);
            await handler(request, new Writer<TResponse>(call, method.ResponseMarshaller), call.Context).ConfigureAwait(false);
        });

    public ServiceRegistry AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingHandler<TRequest, TResponse> handler, bool subjectToBehavior = true) =>
        Add(method, MethodType.ClientStreaming, subjectToBehavior, async call =>
        {
            var response = await handler(new Reader<TRequest>(call, method.RequestMarshaller), call.Context).ConfigureAwait(false);
            await call.WriteAsync(method.ResponseMarshaller, response, call.Context.CancellationToken).ConfigureAwait(false);
        });

    public ServiceRegistry AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingHandler<TRequest, TResponse> handler, bool subjectToBehavior = true) =>
        Add(method, MethodType.DuplexStreaming, subjectToBehavior, call =>
            handler(new Reader<TRequest>(call, method.RequestMarshaller), new Writer<TResponse>(call, method.ResponseMarshaller), call.Context));

    internal bool TryGet(string path, out RegisteredMethod method) => _methods.TryGetValue(path, out method!);

    private ServiceRegistry Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, bool subjectToBehavior, Func<GrpcServerCall, Task> invoke)
    {
        if (method.Type != expected)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}; it cannot be registered as {expected}.", nameof(method));
        }

        if (!_methods.TryAdd(method.FullName, new RegisteredMethod(method.FullName, subjectToBehavior, invoke)))
        {
            throw new ArgumentException($"Method {method.FullName} is registered twice.", nameof(method));
        }

        return this;
    }

    private sealed class Reader<T>(GrpcServerCall call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
    {
        public T Current { get; private set; } = default!;

        public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Context.CancellationToken);
            var (has, message) = await call.ReadAsync(marshaller, linked.Token).ConfigureAwait(false);
            Current = message;
            return has;
        }
    }

    private sealed class Writer<T>(GrpcServerCall call, Marshaller<T> marshaller) : IServerStreamWriter<T>
    {
        public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Context.CancellationToken);
            await call.WriteAsync(marshaller, message, linked.Token).ConfigureAwait(false);
        }
    }
}

internal sealed record RegisteredMethod(string Path, bool SubjectToBehavior, Func<GrpcServerCall, Task> InvokeAsync);
