namespace FunctionsWorker.Errors;

/// <summary>This worker cannot run the job right now (model not loaded, runtime fault); another worker may.</summary>
public sealed class WorkerFaultException(string errorType, string message, Exception? innerException = null)
    : WorkerException(errorType, message, innerException)
{
    public override FailureClass FailureClass => FailureClass.WorkerFault;
}
