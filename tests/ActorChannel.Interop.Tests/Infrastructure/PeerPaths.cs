namespace ActorChannel.Interop.Tests.Infrastructure;

/// <summary>Where the peer programs and tools are; the repository root is found from the test assembly's folder.</summary>
public static class PeerPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string PeersDirectory => Path.Combine(RepoRoot, "tests", "peers");

    public static string ProtosDirectory => Path.Combine(RepoRoot, "src", "Host", "Protos");

    public static string Node => "node";

    /// <summary>Debian's python3, which has python3-grpcio (not a venv's).</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string Script(string name) => Path.Combine(PeersDirectory, name);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorChannel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ActorChannel.sln above {AppContext.BaseDirectory}.");
    }
}
