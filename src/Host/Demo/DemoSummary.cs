using System.Globalization;

namespace ActorChannel.Host.Demo;

public sealed record BackendSummary(string Name, string Address, long Calls, string? Note);

/// <summary>How the demo went: printed at the end, checked by the end-to-end test.</summary>
public sealed record DemoSummary(TimeSpan Elapsed, long Ok, long Failed, IReadOnlyList<BackendSummary> Backends, string? LastError)
{
    public long Calls => Ok + Failed;

    public IEnumerable<string> Lines()
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"summary: {Calls} calls in {Elapsed.TotalSeconds:0.0} s: {Ok} ok, {Failed} failed");
        foreach (var b in Backends)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  {b.Name,-10} {b.Address,-21} {b.Calls,6} calls{(b.Note is null ? "" : "  (" + b.Note + ")")}");
        }

        if (LastError is not null)
        {
            yield return "  last error: " + LastError;
            yield return "  (calls already sent on a connection that dies are not retried: the server may have seen them)";
        }
    }
}
