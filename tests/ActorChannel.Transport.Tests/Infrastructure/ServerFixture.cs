namespace ActorChannel.Transport.Tests.Infrastructure;

/// <summary>One Kestrel test service shared by the tests of a class; each test makes its own transport.</summary>
public sealed class ServerFixture : IAsyncDisposable, Xunit.IAsyncLifetime
{
    public TestService Service { get; } = new();

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(Service.Map);

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();

    ValueTask IAsyncDisposable.DisposeAsync() => Server.DisposeAsync();

    /// <summary>A connected transport to the shared server, with its event recorder.</summary>
    public async Task<(HttpClientTransport Transport, EventRecorder Events)> ConnectAsync(TransportOptions? options = null)
    {
        var events = new EventRecorder();
        var transport = new HttpClientTransport(Server.Address, options ?? new TransportOptions(), events.Record);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await transport.ConnectAsync(cts.Token);
        return (transport, events);
    }
}
