namespace FunctionsWorker.Fleet;

/// <summary>Fleet heartbeat log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Worker {WorkerId}: heartbeat not written: {Error}")]
    public static partial void HeartbeatFailed(ILogger logger, string workerId, string error);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Pruned {Count} workers silent for more than {Retention}")]
    public static partial void WorkersPruned(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Worker {WorkerId}: stopped row not written: the shutdown used its whole exit deadline (the fleet view will show this worker stale)")]
    public static partial void StoppedRowSkipped(ILogger logger, string workerId);
}
