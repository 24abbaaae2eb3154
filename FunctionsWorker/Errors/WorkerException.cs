namespace FunctionsWorker.Errors;

/// <summary>Root of the worker's exceptions; each carries the failure class that decides the message's fate.</summary>
public abstract class WorkerException : Exception
{
    protected WorkerException(string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
    }

    /// <summary>A short stable code recorded in the job record (for example <c>blob-not-found</c>).</summary>
    public string ErrorType { get; }

    public abstract FailureClass FailureClass { get; }
}
