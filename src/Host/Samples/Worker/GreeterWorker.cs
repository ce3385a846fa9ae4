using ActorChannel.Protos.HelloWorld;
using Grpc.Core;
using ActorChannel.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorChannel.Host.Samples.Worker;

/// <summary>The worker's own settings, bound from the "Worker" section.</summary>
public sealed class GreeterWorkerOptions
{
    public string Name { get; set; } = "worker";

    /// <summary>Calls to make before asking the host to stop; 0 runs until the host is stopped.</summary>
    public int Calls { get; set; }

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A plain BackgroundService: it gets a <see cref="Greeter.GreeterClient"/> from DI (made over the channel that
/// AddActorChannel registered) and knows nothing of actors.
/// </summary>
public sealed class GreeterWorker(Greeter.GreeterClient client, IOptions<GreeterWorkerOptions> options, IHostApplicationLifetime lifetime, ILogger<GreeterWorker> logger, TimeProvider? time = null) : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _ok;

    public int Succeeded => Volatile.Read(ref _ok);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        for (var i = 1; settings.Calls == 0 || i <= settings.Calls; i++)
        {
            try
            {
                var reply = (await client.SayHelloAsync(new HelloRequest { Name = settings.Name }, new CallOptions(deadline: _time.GetUtcNow().AddSeconds(10).UtcDateTime, cancellationToken: stoppingToken).WithWaitForReady(true))).Message;
                Interlocked.Increment(ref _ok);
                logger.LogInformation("Worker: call {Number}: {Reply}", i, reply);
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Worker: call {Number} failed: {Code} {Detail}", i, e.StatusCode, e.Status.Detail);
            }
            catch (RpcException)
            {
                break;
            }

            if (settings.Calls != 0 && i == settings.Calls)
            {
                break;
            }

            try
            {
                await Task.Delay(settings.Interval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (settings.Calls != 0)
        {
            logger.LogInformation("Worker: {Ok} of {Calls} calls answered; stopping the host", Succeeded, settings.Calls);
            lifetime.StopApplication();
        }
    }
}
