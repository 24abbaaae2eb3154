namespace FunctionsWorker.Triggers.Queue;

/// <summary>Queue trigger log lines: listener, leases, message fates, shutdown.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Queue listener on {Queue}: concurrency {Concurrency}, batchSize {BatchSize}, newBatchThreshold {NewBatchThreshold}, maxDequeueCount {MaxDequeueCount}, visibilityTimeout {VisibilityTimeout}, maxPollingInterval {MaxPollingInterval}, lease {LeaseDuration}")]
    public static partial void ListenerStarted(ILogger logger, string queue, string concurrency, int batchSize, int newBatchThreshold, int maxDequeueCount,
        TimeSpan visibilityTimeout, TimeSpan maxPollingInterval, TimeSpan leaseDuration);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Storage unavailable for queue {Queue}, retrying: {Error}")]
    public static partial void StorageUnavailable(ILogger logger, string queue, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Lease lost for message {MessageId}, dequeue count {DequeueCount} ({ErrorCode}): another worker may run it")]
    public static partial void LeaseLost(ILogger logger, string messageId, long dequeueCount, string? errorCode);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Lease renewal failed for message {MessageId}, dequeue count {DequeueCount}: {Error}")]
    public static partial void LeaseRenewalFailed(ILogger logger, string messageId, long dequeueCount, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount} moved to {PoisonQueue}")]
    public static partial void MovedToPoison(ILogger logger, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount} could not be settled ({Error}); it returns when its lease lapses")]
    public static partial void SettleFailed(ILogger logger, string messageId, long dequeueCount, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Message {MessageId}, dequeue count {DequeueCount} failed unexpectedly")]
    public static partial void UnexpectedMessageFailure(ILogger logger, string messageId, long dequeueCount, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error,
        Message = "Circuit open after {Threshold} consecutive worker faults: fetching paused for {Duration}")]
    public static partial void CircuitOpened(ILogger logger, int threshold, TimeSpan duration);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Shutdown: stopped fetching, waiting up to {Grace} for {InFlight} in-flight jobs")]
    public static partial void ShuttingDown(ILogger logger, int inFlight, TimeSpan grace);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Shutdown complete: no message left held")]
    public static partial void ShutdownComplete(ILogger logger);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount}: lease lost during the job, not settling it ({Fate}); its next holder decides")]
    public static partial void SettleSkipped(ILogger logger, string messageId, long dequeueCount, MessageFateKind fate);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning,
        Message = "Job {JobId}: could not send its reply (message {MessageId}, dequeue count {DequeueCount}): {Error}")]
    public static partial void ReplyFailed(ILogger logger, string jobId, string messageId, long dequeueCount, string error);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning,
        Message = "Job {JobId}: reply queue {ReplyQueue} does not exist, reply dropped (the worker never creates a queue a message names: its producer creates it)")]
    public static partial void ReplyQueueMissing(ILogger logger, string jobId, string replyQueue);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "Message {MessageId}, dequeue count {DequeueCount}: released unstarted at shutdown (it was prefetched)")]
    public static partial void PrefetchReleased(ILogger logger, string messageId, long dequeueCount);
}
