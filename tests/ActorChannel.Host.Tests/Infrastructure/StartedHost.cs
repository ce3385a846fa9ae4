using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorChannel.Host.Tests.Infrastructure;

/// <summary>
/// A generic host built from the services a test registers (AddAkka, AddActorChannel, ...), already started;
/// disposing it stops it (hosted services' StopAsync and StoppedAsync, as a real shutdown runs them) and then
/// disposes the container.
/// </summary>
public sealed class StartedHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private StartedHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<StartedHost> StartAsync(Action<IServiceCollection> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Services);
        var host = new StartedHost(builder.Build());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host._host.StartAsync(timeout.Token);
        return host;
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
