namespace FunctionsWorker.Health;

/// <summary>Warm-up log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Warm-up {Task} failed (attempt {Attempt}), retrying in {Delay}: {Error}")]
    public static partial void WarmupFailed(ILogger logger, string task, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Warm-up complete ({Count} tasks): the listener may fetch")]
    public static partial void WarmupComplete(ILogger logger, int count);
}
