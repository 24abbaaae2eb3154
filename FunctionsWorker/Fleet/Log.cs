namespace FunctionsWorker.Fleet;

/// <summary>Fleet heartbeat log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Worker {WorkerId}: heartbeat not written: {Error}")]
    public static partial void HeartbeatFailed(ILogger logger, string workerId, string error);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Pruned {Count} workers silent for more than {Retention}")]
    public static partial void WorkersPruned(ILogger logger, int count, TimeSpan retention);
}
