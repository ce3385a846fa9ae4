using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Logging;
using ActorChannel.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Settings.Configuration;

namespace ActorChannel.Host.Samples.Worker;

/// <summary>
/// A worker service that calls Greeter through a channel registered with AddActorChannel. Everything comes from
/// configuration (the section names are below); the log goes through ILogger to Serilog, whose level is read from
/// "Serilog:MinimumLevel". On host shutdown the channel is closed after the worker has stopped.
/// </summary>
public static class WorkerSample
{
    /// <summary>The configuration the sample ships with; anything given in <c>settings</c> overrides it.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["ActorChannel:Greeter:Target"] = "dns:///localhost:50051",
        ["ActorChannel:Greeter:LoadBalancingPolicy"] = "round_robin",
        ["ActorChannel:Greeter:Backoff:MaxBackoff"] = "00:00:05",
        ["Worker:Name"] = "worker",
        ["Worker:Calls"] = "0",
        ["Worker:Interval"] = "00:00:01",
        ["Serilog:MinimumLevel:Default"] = "Information",
        ["Serilog:MinimumLevel:Override:Microsoft"] = "Warning",
    };

    /// <param name="settings">Configuration keys over <see cref="Defaults"/>, e.g. "ActorChannel:Greeter:Target".</param>
    /// <param name="logTo">Where log lines go; null for the console.</param>
    public static IHost Build(IReadOnlyDictionary<string, string?> settings, TextWriter? logTo = null, string[]? args = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
        builder.Configuration.AddInMemoryCollection(Defaults);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddEnvironmentVariables("ACTORCHANNEL_SAMPLE_");
        if (args is not null)
        {
            builder.Configuration.AddCommandLine(args);
        }

        var serilog = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration, new ConfigurationReaderOptions(typeof(LoggerConfiguration).Assembly))
            .Enrich.FromLogContext();
        serilog = logTo is null
            ? serilog.WriteTo.Console(outputTemplate: HostLogging.Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : serilog.WriteTo.Sink(new TextWriterSink(logTo));
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(serilog.CreateLogger(), dispose: true);

        builder.Services.AddActorChannel("greeter", builder.Configuration.GetSection("ActorChannel:Greeter"))
            .AddClient<Greeter.GreeterClient>();
        builder.Services.Configure<GreeterWorkerOptions>(builder.Configuration.GetSection("Worker"));
        builder.Services.AddSingleton<GreeterWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GreeterWorker>());
        return builder.Build();
    }
}
