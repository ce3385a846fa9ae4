using Microsoft.Extensions.Logging;

namespace ActorChannel.Kernel;

/// <summary>The kernel's log events, defined once so logging costs no allocation when disabled.</summary>
internal static class KernelLog
{
    public static readonly Action<ILogger, string, string, Exception?> ActorFailed =
        LoggerMessage.Define<string, string>(LogLevel.Error, new EventId(1, "ActorFailed"),
            "Actor {ActorPath} failed while handling {MessageType}");

    public static readonly Action<ILogger, string, string, Exception?> DeadLetter =
        LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(2, "DeadLetter"),
            "Dead letter to {ActorPath}: {MessageType}");

    public static readonly Action<ILogger, string, string, Exception?> HookFailed =
        LoggerMessage.Define<string, string>(LogLevel.Error, new EventId(3, "HookFailed"),
            "Actor {ActorPath} threw from {Hook}");

    public static readonly Action<ILogger, string, int, TimeSpan, Exception?> RestartLimit =
        LoggerMessage.Define<string, int, TimeSpan>(LogLevel.Warning, new EventId(4, "RestartLimit"),
            "Actor {ActorPath} failed more than {MaxRestarts} times within {Within}; stopping it");

    public static readonly Action<ILogger, string, string, Exception?> Supervised =
        LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(5, "Supervised"),
            "Supervisor decided {Directive} for {ActorPath}");

    public static readonly Action<ILogger, string, Exception?> KernelFault =
        LoggerMessage.Define<string>(LogLevel.Critical, new EventId(6, "KernelFault"),
            "Kernel fault in the mailbox of {ActorPath}");
}
