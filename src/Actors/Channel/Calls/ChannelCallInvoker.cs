using ActorChannel.Client.Config;
using ActorChannel.Client.Picking;
using ActorChannel.Transport;
using Grpc.Core;

namespace ActorChannel.Client.Calls;

/// <summary>
/// Starts calls through the channel: applies the method config and picks a READY connection. When the current picker
/// has one, the call is that connection's own Grpc.Net.Client call, with nothing of the channel's around it; when it
/// has none, the call object is returned at once and the call starts on the connection the pick finds. Either way a
/// connection that never processed the call moves it to a new pick itself (<see cref="TransparentRetry"/>).
/// </summary>
internal sealed class ChannelCallInvoker : CallInvoker
{
    private readonly PickerSlot _slot;
    private readonly TimeProvider _time;
    private readonly CallCredentials? _channelCredentials;
    private readonly bool _refuseCallCredentials;
    private ServiceConfig _config = ServiceConfig.Empty;

    /// <param name="refuseCallCredentials">True on a plaintext channel that does not opt in to sending call credentials.</param>
    public ChannelCallInvoker(PickerSlot slot, TimeProvider time, CallCredentials? channelCredentials, bool refuseCallCredentials)
    {
        _slot = slot;
        _time = time;
        _channelCredentials = channelCredentials;
        _refuseCallCredentials = refuseCallCredentials;
    }

    /// <summary>Set by the channel actor when a new service config is applied.</summary>
    public ServiceConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).GetAwaiter().GetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var plan = Plan(method, options);
        if (TryPickNow(method, plan, out var now))
        {
            return now.AsyncUnaryCall(method, null, plan.Options, request);
        }

        var state = new DeferredCallState();
        var response = plan.Refusal is { } refused ? Fail<TResponse>(state, refused) : UnaryAsync(method, request, plan, state);
        return new AsyncUnaryCall<TResponse>(response, DeferredCallState.HeadersOf, DeferredCallState.StatusOf, DeferredCallState.TrailersOf, DeferredCallState.CancelOf, state);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var plan = Plan(method, options);
        if (TryPickNow(method, plan, out var now))
        {
            return now.AsyncServerStreamingCall(method, null, plan.Options, request);
        }

        var state = new DeferredCallState();
        IAsyncStreamReader<TResponse> reader;
        if (plan.Refusal is { } refused)
        {
            state.FailBeforeStart(refused);
            reader = new FailedStream<TResponse>(refused);
        }
        else
        {
            var start = StartAsync(method, plan, state, (i, m, o) => i.AsyncServerStreamingCall(m, null, o, request), CallAttempt.Of);
            reader = new DeferredReader<TResponse>(Then(start, static c => c.ResponseStream), state);
        }

        return new AsyncServerStreamingCall<TResponse>(reader, DeferredCallState.HeadersOf, DeferredCallState.StatusOf, DeferredCallState.TrailersOf, DeferredCallState.CancelOf, state);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var plan = Plan(method, options);
        if (TryPickNow(method, plan, out var now))
        {
            return now.AsyncClientStreamingCall(method, null, plan.Options);
        }

        var state = new DeferredCallState();
        if (plan.Refusal is { } refused)
        {
            return new AsyncClientStreamingCall<TRequest, TResponse>(
                new FailedStream<TRequest>(refused), Fail<TResponse>(state, refused), DeferredCallState.HeadersOf, DeferredCallState.StatusOf, DeferredCallState.TrailersOf, DeferredCallState.CancelOf, state);
        }

        var start = StartAsync(method, plan, state, static (i, m, o) => i.AsyncClientStreamingCall(m, null, o), CallAttempt.Of);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new DeferredWriter<TRequest>(Then(start, static c => c.RequestStream)),
            ResponseAsync(start, state),
            DeferredCallState.HeadersOf,
            DeferredCallState.StatusOf,
            DeferredCallState.TrailersOf,
            DeferredCallState.CancelOf,
            state);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var plan = Plan(method, options);
        if (TryPickNow(method, plan, out var now))
        {
            return now.AsyncDuplexStreamingCall(method, null, plan.Options);
        }

        var state = new DeferredCallState();
        if (plan.Refusal is { } refused)
        {
            state.FailBeforeStart(refused);
            return new AsyncDuplexStreamingCall<TRequest, TResponse>(
                new FailedStream<TRequest>(refused), new FailedStream<TResponse>(refused), DeferredCallState.HeadersOf, DeferredCallState.StatusOf, DeferredCallState.TrailersOf, DeferredCallState.CancelOf, state);
        }

        var start = StartAsync(method, plan, state, static (i, m, o) => i.AsyncDuplexStreamingCall(m, null, o), CallAttempt.Of);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new DeferredWriter<TRequest>(Then(start, static c => c.RequestStream)),
            new DeferredReader<TResponse>(Then(start, static c => c.ResponseStream), state),
            DeferredCallState.HeadersOf,
            DeferredCallState.StatusOf,
            DeferredCallState.TrailersOf,
            DeferredCallState.CancelOf,
            state);
    }

    /// <summary>
    /// The hot path: a call with its method config and a READY connection in the current picker needs nothing of the
    /// channel's while it runs, so it gets the connection's invoker and is that connection's call.
    /// </summary>
    private bool TryPickNow<TRequest, TResponse>(Method<TRequest, TResponse> method, in CallPlan plan, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CallInvoker? invoker)
    {
        if (plan.Refusal is null && !plan.AwaitsConfig && _slot.TryPick(new PickInfo(method.FullName, plan.Options.IsWaitForReady), out var transport))
        {
            invoker = plan.InvokerOf(transport);
            return true;
        }

        invoker = null;
        return false;
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallPlan plan, DeferredCallState state)
        where TRequest : class
        where TResponse : class
    {
        var call = await StartAsync(method, plan, state, (i, m, o) => i.AsyncUnaryCall(m, null, o, request), CallAttempt.Of).ConfigureAwait(false);
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

    /// <summary>Waits for the method config if it is not known yet, then for a pick, and starts the call there.</summary>
    private async Task<TCall> StartAsync<TRequest, TResponse, TCall>(Method<TRequest, TResponse> method, CallPlan plan, DeferredCallState state, Func<CallInvoker, Method<TRequest, TResponse>, CallOptions, TCall> begin, Func<TCall, CallAttempt> attempt)
        where TRequest : class
        where TResponse : class
    {
        plan = await ResolvedAsync(method, plan, state).ConfigureAwait(false);
        var transport = await PickAsync(method.FullName, plan.Options, state).ConfigureAwait(false);
        var call = begin(plan.InvokerOf(transport), method, plan.Options);
        state.Attach(attempt(call));
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

    private static Task<T> Fail<T>(DeferredCallState state, RpcException error)
    {
        state.FailBeforeStart(error);
        return Task.FromException<T>(error);
    }

    private ValueTask<IClientTransport> PickAsync(string fullName, CallOptions options, DeferredCallState state)
    {
        var info = new PickInfo(fullName, options.IsWaitForReady);
        if (_slot.TryPick(in info, out var transport))
        {
            return new ValueTask<IClientTransport>(transport);
        }

        return new ValueTask<IClientTransport>(WaitAsync(options, state, info, static (slot, i, deadline, token) => slot.PickAsync(i, deadline, token).AsTask()));
    }

    /// <summary>
    /// The plan of a call started before the channel heard from its resolver has no method config yet: it waits for the
    /// first picker (the resolver's first answer, with its service config, comes before it) and reads the config then,
    /// as grpc-go waits for the first resolver update before a call reads its method config.
    /// </summary>
    private async ValueTask<CallPlan> ResolvedAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, CallPlan plan, DeferredCallState state)
    {
        if (!plan.AwaitsConfig)
        {
            return plan;
        }

        await WaitAsync(plan.Options, state, 0, static async (slot, _, deadline, token) =>
        {
            await slot.WaitForFirstPickerAsync(deadline, token).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
        return WithMethodConfig(method, plan.Options);
    }

    /// <summary>Waits on the picker slot until the call's deadline (on the channel's clock), its token or its cancellation; a failure fails the call before it started.</summary>
    private async Task<T> WaitAsync<TArg, T>(CallOptions options, DeferredCallState state, TArg arg, Func<PickerSlot, TArg, DateTimeOffset?, CancellationToken, Task<T>> wait)
    {
        using var linked = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, state.Token)
            : null;
        try
        {
            var token = linked?.Token ?? state.Token;
            var deadline = options.Deadline is { } d && d != DateTime.MaxValue ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            return await wait(_slot, arg, deadline, token).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            state.FailBeforeStart(e);
            throw;
        }
    }

    private CallPlan Plan<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        if (options.Credentials is not null && _refuseCallCredentials)
        {
            return new CallPlan(options, null, null, new RpcException(new Status(
                StatusCode.Unauthenticated,
                $"Call credentials on {method.FullName} need transport security, but the channel is plaintext: use TLS, or set ManagedChannelOptions.UnsafeUseInsecureChannelCallCredentials to send them anyway.")));
        }

        if (_channelCredentials is not null)
        {
            options = options.WithCredentials(options.Credentials is null ? _channelCredentials : CallCredentials.Compose(_channelCredentials, options.Credentials));
        }

        // No picker yet: the resolver has not answered, so the method config is not known (see ResolvedAsync).
        return _slot.Current is null ? new CallPlan(options, null, null, null, AwaitsConfig: true) : WithMethodConfig(method, options);
    }

    private CallPlan WithMethodConfig<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var config = Config;
        if (config.MethodConfigs.Count == 0 || config.FindMethodConfig(method.ServiceName, method.Name) is not { } mc)
        {
            return new CallPlan(options, null, null, null);
        }

        if (mc.WaitForReady == true && !options.IsWaitForReady)
        {
            options = options.WithWaitForReady(true);
        }

        // A timeout past DateTime.MaxValue (e.g. the max protobuf Duration) means no deadline at all.
        var now = _time.GetUtcNow().UtcDateTime;
        if (mc.Timeout is { } timeout && timeout < DateTime.MaxValue - now)
        {
            var deadline = now + timeout;
            if (options.Deadline is not { } current || current > deadline)
            {
                options = options.WithDeadline(deadline);
            }
        }

        // The connection takes the smaller of these and its own (the channel's options): grpc-go's rule.
        return new CallPlan(options, mc.MaxRequestMessageBytes, mc.MaxResponseMessageBytes, null);
    }

    /// <summary>What a call's method config and credentials made of its options; <see cref="Refusal"/> fails it before any pick.</summary>
    private readonly record struct CallPlan(CallOptions Options, int? MaxSend, int? MaxReceive, RpcException? Refusal, bool AwaitsConfig = false)
    {
        public CallInvoker InvokerOf(IClientTransport transport) =>
            MaxSend is null && MaxReceive is null ? transport.Invoker : transport.InvokerFor(MaxSend, MaxReceive);
    }
}
