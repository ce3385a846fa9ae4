using System.Collections.Concurrent;
using ActorChannel.Transport;

namespace ActorChannel.TestKit;

/// <summary>How one connect attempt of a <see cref="FakeTransport"/> ends.</summary>
public abstract record ConnectScript
{
    private ConnectScript()
    {
    }

    /// <summary>ConnectAsync completes; Connected and SettingsReceived are raised.</summary>
    public static ConnectScript Succeed { get; } = new SucceedScript();

    /// <summary>
    /// ConnectAsync completes and Connected is raised, but no SETTINGS yet; see <see cref="FakeTransport.ReceiveSettings"/>.
    /// The project's HTTP/2 transport never does this (its ConnectAsync waits for the server's SETTINGS): this models a
    /// user's own <see cref="IClientTransport"/> that reports a connection before its handshake.
    /// </summary>
    public static ConnectScript SucceedWithoutSettings { get; } = new SilentScript();

    /// <summary>ConnectAsync never completes by itself: it ends when the owner's connect deadline cancels it, or when the test calls CompleteConnect/FailConnect.</summary>
    public static ConnectScript Hang { get; } = new HangScript();

    /// <summary>ConnectAsync throws a TransportConnectException with this message.</summary>
    public static ConnectScript Fail(string message = "connection refused", bool isTemporary = true) => new FailScript(message, isTemporary);

    internal sealed record SucceedScript : ConnectScript;

    internal sealed record HangScript : ConnectScript;

    internal sealed record SilentScript : ConnectScript;

    internal sealed record FailScript(string Message, bool IsTemporary) : ConnectScript;
}

/// <summary>
/// A transport factory for tests: every transport it makes is a <see cref="FakeTransport"/> whose connect
/// attempts follow a script per address (default: <see cref="DefaultScript"/>). Thread-safe.
/// </summary>
public sealed class FakeTransportFactory : IClientTransportFactory
{
    private readonly ConcurrentDictionary<TransportAddress, ConcurrentQueue<ConnectScript>> _scripts = new();
    private readonly List<FakeTransport> _created = new();
    private readonly object _gate = new();

    /// <summary>What a connect attempt does when nothing is scripted for its address.</summary>
    public ConnectScript DefaultScript { get; set; } = ConnectScript.Succeed;

    /// <summary>Answers calls on every transport made from now on (see <see cref="FakeTransport.Handler"/>).</summary>
    public Func<FakeCall, Task<object?>>? Handler { get; set; }

    /// <summary>Raised (on the creating thread) for each new transport.</summary>
    public event Action<FakeTransport>? Created;

    public IReadOnlyList<FakeTransport> Transports
    {
        get
        {
            lock (_gate)
            {
                return _created.ToArray();
            }
        }
    }

    /// <summary>The connect attempts to <paramref name="address"/> follow these scripts, in order, then the default.</summary>
    public FakeTransportFactory Script(TransportAddress address, params ConnectScript[] scripts)
    {
        var queue = _scripts.GetOrAdd(address, _ => new ConcurrentQueue<ConnectScript>());
        foreach (var s in scripts)
        {
            queue.Enqueue(s);
        }

        return this;
    }

    public IReadOnlyList<FakeTransport> TransportsTo(TransportAddress address) =>
        Transports.Where(t => t.Address == address).ToArray();

    /// <summary>The newest transport to <paramref name="address"/>, or null.</summary>
    public FakeTransport? Latest(TransportAddress address) => Transports.LastOrDefault(t => t.Address == address);

    public IClientTransport Create(TransportAddress address, TransportOptions options, Action<ConnectionEvent> observer)
    {
        var transport = new FakeTransport(address, options, observer, this);
        lock (_gate)
        {
            _created.Add(transport);
        }

        Created?.Invoke(transport);
        return transport;
    }

    internal ConnectScript NextScript(TransportAddress address) =>
        _scripts.TryGetValue(address, out var queue) && queue.TryDequeue(out var script) ? script : DefaultScript;
}
