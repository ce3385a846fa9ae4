using System.Globalization;

namespace ActorChannel.Benchmarks;

/// <summary>The console modes' options: <c>--name value</c> pairs anywhere after the mode.</summary>
internal static class BenchArgs
{
    public static double Number(string[] args, string name, double fallback) =>
        Text(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary><c>--callers 1,16</c>: the caller counts to run, in order.</summary>
    public static int[] Callers(string[] args) =>
        (Text(args, "--callers") ?? "1,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
