using System.Collections.Concurrent;
using ActorChannel.Client;
using ActorChannel.Client.Connectivity;
using ActorChannel.Resolution;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client;

/// <summary>A channel over fake transports and a manual resolver, on Akka.TestKit's TestScheduler (virtual time).</summary>
public abstract class ChannelTestBase : ChannelTestKit, IAsyncLifetime
{
    protected static readonly Method<string, string> Echo = new(MethodType.Unary, "test.Echo", "Say", StringMarshaller, StringMarshaller);

    private readonly ConcurrentQueue<SubchannelTransition> _transitions = new();
    private readonly List<ManagedChannel> _channels = new();

    protected ChannelTestBase(ITestOutputHelper output, Akka.Configuration.Config? config = null)
        : base(output, config)
    {
    }

    protected FakeTransportFactory Transports { get; } = new();

    protected ManualResolver Resolver { get; set; } = new();

    /// <summary>What the channel's random source returns (0.5 = no jitter, round robin starts in the middle).</summary>
    protected Func<double> Random { get; set; } = () => 0.5;

    protected IReadOnlyList<SubchannelTransition> Transitions => _transitions.ToArray();

    protected static Marshaller<string> StringMarshaller => Marshallers.Create(s => global::System.Text.Encoding.UTF8.GetBytes(s), b => global::System.Text.Encoding.UTF8.GetString(b));

    protected static TransportAddress Addr(int n) => TransportAddress.Tcp("127.0.0.1", 50000 + n);

    protected static TransportAddress[] Addrs(int count) => Enumerable.Range(1, count).Select(Addr).ToArray();

    protected ManagedChannelOptions Options(string policy = "pick_first") => new()
    {
        Credentials = ChannelCredentials.Insecure,
        TransportFactory = Transports,
        Resolvers = new ResolverRegistry(new ManualResolverFactory(Resolver)),
        DefaultScheme = "manual",
        DefaultServiceConfig = "{\"loadBalancingConfig\":[{\"" + policy + "\":{}}]}",
        RandomSource = () => Random(),
        TransitionObserver = t => _transitions.Enqueue(t),
        LoggerFactory = LoggerFactory,
    };

    /// <summary>Dials with the resolver already answering <paramref name="addresses"/> (or failing, if null and <paramref name="resolverError"/> is set).</summary>
    protected async Task<ManagedChannel> DialAsync(string policy, TransportAddress[]? addresses, string? resolverError = null, ManagedChannelOptions? options = null)
    {
        if (addresses is not null)
        {
            Resolver = new ManualResolver(new ResolutionResult(addresses));
        }
        else if (resolverError is not null)
        {
            Resolver.Fail(new InvalidOperationException(resolverError));
        }

        options = options is null ? Options(policy) : options with { Resolvers = new ResolverRegistry(new ManualResolverFactory(Resolver)) };
        var channel = Watch(ManagedChannel.Dial(Sys, "manual:///test", options));
        _channels.Add(channel);
        await SettleAsync();
        return channel;
    }

    protected IEnumerable<SubchannelTransition> TransitionsOf(TransportAddress address) => Transitions.Where(t => t.Address == address);

    protected static (ConnectivityState, ConnectivityState)[] Steps(IEnumerable<SubchannelTransition> transitions) =>
        transitions.Select(t => (t.From, t.To)).ToArray();

    /// <summary>
    /// Real time after which a call a test awaits fails the test (TimeoutException) instead of hanging the whole run:
    /// the channel's own clock is virtual, so a call that wrongly waits for a pick would otherwise wait for ever.
    /// Never part of what a test asserts; scheduler time moves only by Advance.
    /// </summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    protected Task<string> CallAsync(ManagedChannel channel, bool waitForReady = false, DateTimeOffset? deadline = null, CancellationToken ct = default) =>
        channel.CreateCallInvoker().AsyncUnaryCall(Echo, null, CallOptionsOf(waitForReady, deadline, ct), "hi").ResponseAsync.WaitAsync(HangGuard);

    /// <summary>Grpc.Core's options: a deadline is a UTC DateTime on the channel's clock (here the TestScheduler's, <see cref="ChannelTestKit.Clock"/>).</summary>
    protected static CallOptions CallOptionsOf(bool waitForReady = false, DateTimeOffset? deadline = null, CancellationToken ct = default) =>
        new CallOptions(deadline: deadline?.UtcDateTime, cancellationToken: ct).WithWaitForReady(waitForReady);

    /// <summary>Every transport answers with its own address, so a test sees where a call went.</summary>
    protected void AnswerWithAddress() => Transports.Handler = call => Task.FromResult<object?>(call.Transport.Address.ToString());

    protected static async Task<RpcException> FailsWith(StatusCode code, Task call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(code, e.StatusCode);
        return e;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Closes the channels before the TestKit terminates the system (each channel waits for its sockets).</summary>
    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync();
        }
    }
}
