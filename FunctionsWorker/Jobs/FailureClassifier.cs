using Azure;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>Sorts any exception a job threw into one of the three failure classes, with a stable error type.</summary>
public static class FailureClassifier
{
    public static (FailureClass Class, string ErrorType) Classify(Exception exception) => exception switch
    {
        WorkerException worker => (worker.FailureClass, worker.ErrorType),
        RequestFailedException storage when storage.IsTransient() => (FailureClass.Transient, "storage-unavailable"),
        RequestFailedException => (FailureClass.Transient, "storage-error"),
        AggregateException aggregate when StorageErrors.IsStorageFailure(aggregate) => (FailureClass.Transient, "storage-unavailable"),
        TimeoutException => (FailureClass.Transient, "timeout"),
        HttpRequestException or IOException => (FailureClass.Transient, "io-error"),
        OutOfMemoryException or InsufficientExecutionStackException => (FailureClass.WorkerFault, "resource-exhausted"),
        _ => (FailureClass.WorkerFault, "unexpected-error"),
    };

    /// <summary>
    /// The message's fate for a failure at <paramref name="dequeueCount"/>: permanent → poison; transient → retry after
    /// the visibility timeout until maxDequeueCount, then poison; worker fault → released at once (the dequeue
    /// count still rises, so a job that faults every worker ends in poison too).
    /// </summary>
    public static JobDisposition Decide(FailureClass failure, long dequeueCount, int maxDequeueCount, TimeSpan visibilityTimeout) => failure switch
    {
        FailureClass.Permanent => JobDisposition.Poison,
        _ when dequeueCount >= maxDequeueCount => JobDisposition.Poison,
        FailureClass.Transient => JobDisposition.Release(visibilityTimeout),
        _ => JobDisposition.Release(TimeSpan.Zero),
    };
}
