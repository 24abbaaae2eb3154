using Azure;
using FunctionsWorker.Errors;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>Sorts any exception a job threw into one of the three failure classes, with a stable error type.</summary>
public static class FailureClassifier
{
    public static (FailureClass Class, string ErrorType) Classify(Exception exception) => exception switch
    {
        WorkerException worker => (worker.FailureClass, worker.ErrorType),
        RequestFailedException storage when storage.IsTransient() => (FailureClass.Transient, "storage-unavailable"),
        // 400: the request itself is wrong (a key or name storage refuses); retrying sends the same request again.
        RequestFailedException { Status: 400 } => (FailureClass.Permanent, "storage-rejected"),
        RequestFailedException => (FailureClass.Transient, "storage-error"),
        AggregateException aggregate when StorageErrors.IsStorageFailure(aggregate) => (FailureClass.Transient, "storage-unavailable"),
        TimeoutException => (FailureClass.Transient, "timeout"),
        // Not the job's own cancellation (the runner handles that first): the storage SDK gave up waiting for an answer.
        OperationCanceledException => (FailureClass.Transient, "timeout"),
        System.Net.Sockets.SocketException => (FailureClass.Transient, "io-error"),
        // The storage credential could not get a token: storage is unreachable for now, not the job's fault.
        Azure.Identity.AuthenticationFailedException => (FailureClass.Transient, "storage-unavailable"),
        HttpRequestException or IOException => (FailureClass.Transient, "io-error"),
        OutOfMemoryException or InsufficientExecutionStackException => (FailureClass.WorkerFault, "resource-exhausted"),
        _ => (FailureClass.WorkerFault, "unexpected-error"),
    };
}
