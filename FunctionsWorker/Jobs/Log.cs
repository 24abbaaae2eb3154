using Microsoft.Extensions.Logging;
using FunctionsWorker.Errors;

namespace FunctionsWorker.Jobs;

/// <summary>Job log lines: one per state change, each with jobId, messageId and dequeue count.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Job {JobId} Running: message {MessageId}, dequeue count {DequeueCount}, pipeline {Pipeline}, waited {QueueWaitMs} ms in the queue")]
    public static partial void JobStarted(ILogger logger, string jobId, string messageId, long dequeueCount, string pipeline, long queueWaitMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Job {JobId} Succeeded: message {MessageId}, dequeue count {DequeueCount}, {DurationMs} ms")]
    public static partial void JobSucceeded(ILogger logger, string jobId, string messageId, long dequeueCount, long durationMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Job {JobId} {NextState}: message {MessageId}, dequeue count {DequeueCount}, {FailureClass} failure {ErrorType} after {DurationMs} ms: {Error}")]
    public static partial void JobFailed(ILogger logger, string jobId, string messageId, long dequeueCount, FailureClass failureClass, string errorType,
        JobState nextState, long durationMs, string error);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "Job {JobId} Released at shutdown: message {MessageId}, dequeue count {DequeueCount}, after {DurationMs} ms")]
    public static partial void JobReleased(ILogger logger, string jobId, string messageId, long dequeueCount, long durationMs);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information,
        Message = "Job {JobId} already Succeeded: message {MessageId}, dequeue count {DequeueCount} acknowledged without running again")]
    public static partial void JobAlreadySucceeded(ILogger logger, string jobId, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error,
        Message = "Job {JobId}: could not write its record (message {MessageId}, dequeue count {DequeueCount}): {Error}")]
    public static partial void RecordWriteFailed(ILogger logger, string jobId, string messageId, long dequeueCount, string error);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information,
        Message = "Job {JobId}: message {MessageId}, dequeue count {DequeueCount} waits: message {HolderMessageId} on worker {HolderWorkerId} holds the job")]
    public static partial void JobHeldElsewhere(ILogger logger, string jobId, string messageId, long dequeueCount, string holderMessageId, string holderWorkerId);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning,
        Message = "Job {JobId}: message {MessageId}, dequeue count {DequeueCount} re-sent a succeeded job with other content; ignored")]
    public static partial void ResendIgnored(ILogger logger, string jobId, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information,
        Message = "Job {JobId}: result.json found by message {MessageId}, dequeue count {DequeueCount}; its Succeeded record is written now, the job is not run again")]
    public static partial void JobCompletionRecorded(ILogger logger, string jobId, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 109, Level = LogLevel.Debug, Message = "Job {JobId}: progress {Stage} not recorded: {Error}")]
    public static partial void ProgressWriteFailed(ILogger logger, string jobId, string stage, string error);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "Job {JobId} Cancelled on request: message {MessageId}, dequeue count {DequeueCount}, after {DurationMs} ms")]
    public static partial void JobCancelled(ILogger logger, string jobId, string messageId, long dequeueCount, long durationMs);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Job {JobId}: its listing index row was not written or removed: {Error}")]
    public static partial void IndexWriteFailed(ILogger logger, string jobId, string error);
}
