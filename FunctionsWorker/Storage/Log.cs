namespace FunctionsWorker.Storage;

/// <summary>Storage log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Storage probe of queue {Queue} failed: {Error}; not ready until it answers")]
    public static partial void StorageProbeFailed(ILogger logger, string queue, string error);
}
