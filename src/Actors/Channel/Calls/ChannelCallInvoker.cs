using ActorChannel.Client.Config;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;

namespace ActorChannel.Client.Calls;

/// <summary>
/// Starts calls through the channel: applies the method config, picks a READY transport (synchronously when the
/// current picker has one), and retries once on a new pick when the transport says the call was never processed.
/// Streaming calls pick once, at start; the call object is returned at once and its streams await the pick.
/// </summary>
internal sealed class ChannelCallInvoker : CallInvoker
{
    private readonly PickerSlot _slot;
    private readonly TimeProvider _time;
    private readonly CallCredentials? _channelCredentials;
    private ServiceConfig _config = ServiceConfig.Empty;

    public ChannelCallInvoker(PickerSlot slot, TimeProvider time, CallCredentials? channelCredentials)
    {
        _slot = slot;
        _time = time;
        _channelCredentials = channelCredentials;
    }

    /// <summary>Set by the channel actor when a new service config is applied.</summary>
    public ServiceConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        options = Apply(method.ServiceName, method.Name, options);
        var state = new DeferredCallState();
        return new AsyncUnaryCall<TResponse>(UnaryAsync(method, request, options, state), state);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        options = Apply(method.ServiceName, method.Name, options);
        var state = new DeferredCallState();
        IClientTransport? first = null;
        var start = StartServerStreamingAsync(method, request, options, state, avoid: null, t => first = t);
        return new AsyncServerStreamingCall<TResponse>(
            new DeferredReader<TResponse>(start, state, () => StartServerStreamingAsync(method, request, options, state, first, static _ => { })),
            state);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        options = Apply(method.ServiceName, method.Name, options);
        var state = new DeferredCallState();
        var start = StartAsync(method, options, state, static (t, m, o) => t.Invoker.AsyncClientStreamingCall(m, o));
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new DeferredWriter<TRequest>(Then(start, static c => c.RequestStream)),
            ResponseAsync(start, state),
            state);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        options = Apply(method.ServiceName, method.Name, options);
        var state = new DeferredCallState();
        var start = StartAsync(method, options, state, static (t, m, o) => t.Invoker.AsyncDuplexStreamingCall(m, o));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new DeferredWriter<TRequest>(Then(start, static c => c.RequestStream)),
            new DeferredReader<TResponse>(Then(start, static c => c.ResponseStream), state, restart: null),
            state);
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options, DeferredCallState state)
    {
        IClientTransport? failed = null;
        while (true)
        {
            var transport = await PickAsync(method.FullName, options, state, failed).ConfigureAwait(false);
            try
            {
                var call = transport.Invoker.AsyncUnaryCall(method, request, options);
                state.Attach(call);
                var response = await call.ResponseAsync.ConfigureAwait(false);
                return response;
            }
            catch (RpcException e) when (e.NotProcessed && failed is null && !state.IsCancelled)
            {
                // Transparent retry: the server never saw this attempt.
                failed = transport;
            }
            catch (RpcException e)
            {
                state.Finished(e);
                throw;
            }
        }
    }

    private async Task<IAsyncStreamReader<TResponse>> StartServerStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options, DeferredCallState state, IClientTransport? avoid, Action<IClientTransport> picked)
    {
        var transport = await PickAsync(method.FullName, options, state, avoid).ConfigureAwait(false);
        picked(transport);
        var call = transport.Invoker.AsyncServerStreamingCall(method, request, options);
        state.Attach(call);
        return call.ResponseStream;
    }

    private async Task<TCall> StartAsync<TRequest, TResponse, TCall>(Method<TRequest, TResponse> method, CallOptions options, DeferredCallState state, Func<IClientTransport, Method<TRequest, TResponse>, CallOptions, TCall> begin)
        where TCall : AsyncCallBase
    {
        var transport = await PickAsync(method.FullName, options, state, avoid: null).ConfigureAwait(false);
        var call = begin(transport, method, options);
        state.Attach(call);
        return call;
    }

    private static async Task<TResponse> ResponseAsync<TRequest, TResponse>(Task<AsyncClientStreamingCall<TRequest, TResponse>> start, DeferredCallState state)
    {
        var call = await start.ConfigureAwait(false);
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            state.Finished(e);
            throw;
        }
    }

    private static async Task<TOut> Then<TIn, TOut>(Task<TIn> task, Func<TIn, TOut> map) => map(await task.ConfigureAwait(false));

    private ValueTask<IClientTransport> PickAsync(string fullName, CallOptions options, DeferredCallState state, IClientTransport? avoid)
    {
        var info = new PickInfo(fullName, options.WaitForReady);
        if (avoid is null && _slot.TryPick(in info, out var transport))
        {
            return new ValueTask<IClientTransport>(transport);
        }

        return new ValueTask<IClientTransport>(WaitForPickAsync(info, options, state, avoid));
    }

    private async Task<IClientTransport> WaitForPickAsync(PickInfo info, CallOptions options, DeferredCallState state, IClientTransport? avoid)
    {
        using var linked = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, state.Token)
            : null;
        try
        {
            var token = linked?.Token ?? state.Token;
            return avoid is null
                ? await _slot.PickAsync(info, options.Deadline, token).ConfigureAwait(false)
                : await _slot.PickAvoidingAsync(info, options.Deadline, token, avoid).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            state.FailBeforeStart(e);
            throw;
        }
    }

    private CallOptions Apply(string service, string name, CallOptions options)
    {
        if (_channelCredentials is not null)
        {
            options = options with { Credentials = options.Credentials is null ? _channelCredentials : CompositeCallCredentials.Of(_channelCredentials, options.Credentials) };
        }

        var config = Config;
        if (config.MethodConfigs.Count == 0 || config.FindMethodConfig(service, name) is not { } mc)
        {
            return options;
        }

        if (mc.WaitForReady == true && !options.WaitForReady)
        {
            options = options with { WaitForReady = true };
        }

        // A timeout past DateTimeOffset.MaxValue (e.g. the max protobuf Duration) means no deadline at all.
        var now = _time.GetUtcNow();
        if (mc.Timeout is { } timeout && timeout < DateTimeOffset.MaxValue - now)
        {
            var deadline = now + timeout;
            if (options.Deadline is null || options.Deadline > deadline)
            {
                options = options with { Deadline = deadline };
            }
        }

        // The smaller of the config's and the caller's limit wins; the transport then takes the smaller of that and
        // its own (the channel's dial options), which is grpc-go's rule for MaxReqSize / MaxRespSize.
        if (mc.MaxRequestMessageBytes is { } maxRequest && !(options.MaxSendMessageSize <= maxRequest))
        {
            options = options with { MaxSendMessageSize = maxRequest };
        }

        if (mc.MaxResponseMessageBytes is { } maxResponse && !(options.MaxReceiveMessageSize <= maxResponse))
        {
            options = options with { MaxReceiveMessageSize = maxResponse };
        }

        return options;
    }
}
