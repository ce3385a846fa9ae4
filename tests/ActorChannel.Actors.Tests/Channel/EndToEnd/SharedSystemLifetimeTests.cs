using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using ActorChannel.Host.Server;
using ActorChannel.TestKit;
using ActorChannel.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorChannel.Actors.Tests.Client.EndToEnd;

/// <summary>
/// Channels dialled without an actor system share one, made by the first and terminated with the last: after 200
/// such channels are disposed, no actor system, no thread of one and no socket of theirs is left.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class SharedSystemLifetimeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Channels = 200;
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(20);
    private readonly ILoggerFactory _logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddProvider(new TestOutputLoggerProvider(output)));
    private RunningGreeterServer _backend = null!;

    public async Task InitializeAsync() =>
        _backend = await GreeterServer.StartAsync(new GreeterServerOptions { InstanceName = "shared", LoggerFactory = _logs });

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task Disposing_200_dialled_channels_leaves_no_actor_system_thread_or_socket()
    {
        Assert.Null(SharedActorSystem.Current);
        long createdBefore = SharedActorSystem.Created;
        var threadsBefore = ProcessThreads.LongRunning();
        int socketsBefore = ProcessSockets.Count();

        var channels = Enumerable.Range(0, Channels).Select(_ => ManagedChannel.Dial("ipv4:127.0.0.1:" + _backend.Port, new ManagedChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            LoggerFactory = _logs,
        })).ToArray();
        var system = SharedActorSystem.Current;
        Assert.NotNull(system);
        Assert.Equal(createdBefore + 1, SharedActorSystem.Created);
        Assert.All(channels, c => Assert.Same(system, c.System));

        // Every channel really connects and calls: a socket each (and the server's end of it).
        var replies = await Task.WhenAll(channels.Select(c => new Greeter.GreeterClient(c).GreetAsync("x", new CallOptions().WithWaitForReady())));
        Assert.All(replies, r => Assert.Equal("Hello x from shared", r));
        Assert.True(ProcessSockets.Count() >= socketsBefore + Channels, "each channel holds a connection");

        // The shared system runs a thread of its own (its scheduler's, a long-running task): it must end with it.
        var systemThreads = ProcessThreads.LongRunning().Except(threadsBefore).ToArray();
        Assert.NotEmpty(systemThreads);

        await Task.WhenAll(channels.Select(c => c.DisposeAsync().AsTask()));

        Assert.Null(SharedActorSystem.Current);
        Assert.True(system!.WhenTerminated.IsCompleted, "the last channel's dispose terminated the shared system");
        await Eventually(() => ProcessSockets.Count() <= socketsBefore, () => $"sockets: {ProcessSockets.Count()} now, {socketsBefore} before");
        await Eventually(
            () => !ProcessThreads.LongRunning().Intersect(systemThreads).Any(),
            () => $"threads of the shared system still running: {string.Join(", ", ProcessThreads.LongRunning().Intersect(systemThreads))}");
    }

    /// <summary>The OS closes sockets and ends threads in its own time: poll, with a limit.</summary>
    private static async Task Eventually(Func<bool> condition, Func<string> describe)
    {
        var limit = DateTime.UtcNow + SettleLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, describe());
            await Task.Delay(50);
        }
    }

    private static class ProcessSockets
    {
        public static int Count() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(IsSocket);

        private static bool IsSocket(string fd)
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false; // closed while we looked
            }
        }
    }

    private static class ProcessThreads
    {
        /// <summary>OS thread ids of long-running tasks (an actor system's scheduler runs on one).</summary>
        public static HashSet<int> LongRunning() => Directory.EnumerateDirectories("/proc/self/task")
            .Where(task => { try { return File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Long", StringComparison.Ordinal); } catch (IOException) { return false; } })
            .Select(task => int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();
    }
}

/// <summary>Tests that count the process's threads and sockets: they run alone, after every parallel test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "process-wide resources";
}
