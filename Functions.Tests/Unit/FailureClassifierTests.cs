using Azure;
using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;

namespace Functions.Tests.Unit;

public sealed class FailureClassifierTests
{
    public static TheoryData<Exception, FailureClass, string> Exceptions => new()
    {
        { new InvalidJobException("blob-not-found", "gone"), FailureClass.Permanent, "blob-not-found" },
        { new TransientJobException("throttled", "slow down"), FailureClass.Transient, "throttled" },
        { new WorkerFaultException("model-not-ready", "not loaded"), FailureClass.WorkerFault, "model-not-ready" },
        { new RequestFailedException(503, "busy"), FailureClass.Transient, "storage-unavailable" },
        { new RequestFailedException(429, "throttled"), FailureClass.Transient, "storage-unavailable" },
        { new RequestFailedException(403, "forbidden"), FailureClass.Transient, "storage-error" },
        { new RequestFailedException(400, "The partition key is invalid.", "InvalidInput", null), FailureClass.Permanent, "storage-rejected" },
        { new AggregateException(new RequestFailedException(0, "refused"), new RequestFailedException(0, "refused")), FailureClass.Transient, "storage-unavailable" },
        { new TimeoutException(), FailureClass.Transient, "timeout" },
        { new IOException("reset"), FailureClass.Transient, "io-error" },
        { new NullReferenceException(), FailureClass.WorkerFault, "unexpected-error" },
        // Storage that hangs: the SDK's own timeouts, after its retries, as it throws them.
        { new AggregateException("Retry failed after 4 tries.", new TaskCanceledException("timeout of 0:00:10"), new TimeoutException()), FailureClass.Transient, "storage-unavailable" },
        { new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:10."), FailureClass.Transient, "timeout" },
        { new System.Net.Sockets.SocketException(104), FailureClass.Transient, "io-error" },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Classify_SortsExceptionsIntoTheThreeClasses(Exception exception, FailureClass expected, string errorType) =>
        Assert.Equal((expected, errorType), FailureClassifier.Classify(exception));

    [Fact]
    public void StorageFailure_CoversEveryShapeOfAStorageOutage_ButNotAWorkerBug()
    {
        Assert.True(FunctionsWorker.Storage.StorageErrors.IsStorageFailure(new AggregateException(new TaskCanceledException(), new HttpRequestException("reset"))));
        Assert.True(FunctionsWorker.Storage.StorageErrors.IsStorageFailure(new IOException("broken pipe")));
        Assert.True(FunctionsWorker.Storage.StorageErrors.IsStorageFailure(new System.Net.Sockets.SocketException(111)));
        Assert.False(FunctionsWorker.Storage.StorageErrors.IsStorageFailure(new NullReferenceException()));
        Assert.False(FunctionsWorker.Storage.StorageErrors.IsStorageFailure(new AggregateException(new TimeoutException(), new NullReferenceException())));
    }
}
