using ActorChannel.Kernel;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.TestKit;

/// <summary>
/// Gives each test a fresh <see cref="ActorSystem"/> on a <see cref="ManualTimeProvider"/> (attached, so
/// advancing waits for idle), kernel logs in the test output, and terminates the system afterwards.
/// </summary>
public abstract class ActorTestBase : IAsyncLifetime
{
    private static readonly TimeSpan TerminateGuard = TimeSpan.FromSeconds(30);

    protected ActorTestBase(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Output = output;
        Clock = new ManualTimeProvider();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Debug)
            .AddProvider(new TestOutputLoggerProvider(output)));
        System = ActorSystem.Create("test", new ActorSystemOptions { TimeProvider = Clock, LoggerFactory = LoggerFactory });
        Clock.Attach(System);
    }

    protected ActorSystem System { get; }

    protected ManualTimeProvider Clock { get; }

    protected ITestOutputHelper Output { get; }

    protected ILoggerFactory LoggerFactory { get; }

    protected TestProbe<T> CreateTestProbe<T>(string? name = null) => System.CreateTestProbe<T>(name);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        try
        {
            await System.TerminateAsync().WaitAsync(TerminateGuard).ConfigureAwait(false);
        }
        finally
        {
            LoggerFactory.Dispose();
        }
    }
}
