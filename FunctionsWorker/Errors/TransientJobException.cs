namespace FunctionsWorker.Errors;

/// <summary>A failure that may pass on a later attempt: storage hiccups, throttling, timeouts.</summary>
public sealed class TransientJobException(string errorType, string message, Exception? innerException = null)
    : WorkerException(errorType, message, innerException)
{
    public override FailureClass FailureClass => FailureClass.Transient;
}
