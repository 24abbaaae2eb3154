namespace FunctionsWorker.Hosting;

/// <summary>Host log lines: configuration at startup, listener, leases, warm-up, shutdown.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Worker {WorkerId} {Version} starting: port {Port}, route prefix '{RoutePrefix}', storage account {StorageAccount}, queue {Queue}, pipelines [{Pipelines}], functionTimeout {FunctionTimeout}, grace {Grace}")]
    public static partial void Starting(ILogger logger, string workerId, string version, int port, string routePrefix, string storageAccount, string queue,
        string pipelines, TimeSpan functionTimeout, TimeSpan grace);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Queue listener on {Queue}: batchSize {BatchSize}, newBatchThreshold {NewBatchThreshold}, maxDequeueCount {MaxDequeueCount}, visibilityTimeout {VisibilityTimeout}, maxPollingInterval {MaxPollingInterval}, lease {LeaseDuration}")]
    public static partial void ListenerStarted(ILogger logger, string queue, int batchSize, int newBatchThreshold, int maxDequeueCount,
        TimeSpan visibilityTimeout, TimeSpan maxPollingInterval, TimeSpan leaseDuration);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Storage unavailable for queue {Queue}, retrying: {Error}")]
    public static partial void StorageUnavailable(ILogger logger, string queue, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Lease lost for message {MessageId}, dequeue count {DequeueCount} ({ErrorCode}): another worker may run it")]
    public static partial void LeaseLost(ILogger logger, string messageId, long dequeueCount, string? errorCode);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Lease renewal failed for message {MessageId}, dequeue count {DequeueCount}: {Status} {ErrorCode}")]
    public static partial void LeaseRenewalFailed(ILogger logger, string messageId, long dequeueCount, int status, string? errorCode);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount} moved to {PoisonQueue}")]
    public static partial void MovedToPoison(ILogger logger, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount} could not be settled ({Status} {Error}); it returns when its lease lapses")]
    public static partial void SettleFailed(ILogger logger, string messageId, long dequeueCount, int status, string error);

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

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Warm-up {Task} failed (attempt {Attempt}), retrying in {Delay}: {Error}")]
    public static partial void WarmupFailed(ILogger logger, string task, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Warm-up complete ({Count} tasks): the listener may fetch")]
    public static partial void WarmupComplete(ILogger logger, int count);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "Message {MessageId}, dequeue count {DequeueCount}: lease lost during the job, not settling it ({Disposition}); its next holder decides")]
    public static partial void SettleSkipped(ILogger logger, string messageId, long dequeueCount, Jobs.JobDispositionKind disposition);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical, Message = "Invalid configuration, the worker cannot start: {Errors}")]
    public static partial void InvalidConfiguration(ILogger logger, string errors);
}
