using Grpc.Core;
using ActorChannel.Transport;

namespace ActorChannel.Host.Cli;

/// <summary>A mistake the user can fix (bad argument, port in use): printed as one line, exit code 2 by default.</summary>
public sealed class CliUsageException(string message, int exitCode = 2, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Turns what went wrong into one line for stderr: no stack traces, ever.</summary>
public static class CliErrors
{
    public static string Describe(Exception error) => error switch
    {
        CliUsageException usage => usage.Message,
        ArgumentException argument => StripParameterSuffix(argument),
        RpcException rpc => $"{SpecName(rpc.StatusCode)}: {rpc.Status.Detail}",
        IOException io => io.Message,
        TimeoutException timeout => timeout.Message,
        _ => $"unexpected {error.GetType().Name}: {error.Message}",
    };

    public static int ExitCodeOf(Exception error) => error switch
    {
        CliUsageException usage => usage.ExitCode,
        ArgumentException => 2,
        IOException => 3,
        _ => 1,
    };

    /// <summary>The status code as the gRPC docs spell it: UNAVAILABLE, DEADLINE_EXCEEDED.</summary>
    public static string SpecName(StatusCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && code != StatusCode.OK)
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>ArgumentException appends " (Parameter 'x')", which means nothing to someone at a prompt.</summary>
    private static string StripParameterSuffix(ArgumentException e)
    {
        var message = e.Message;
        if (e.ParamName is { } name)
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message.ReplaceLineEndings(" ");
    }
}
