namespace FunctionsWorker.Errors;

/// <summary>The job or its input can never succeed: bad message, unknown pipeline, missing blob, undecodable image.</summary>
public sealed class InvalidJobException(string errorType, string message, Exception? innerException = null)
    : WorkerException(errorType, message, innerException)
{
    public override FailureClass FailureClass => FailureClass.Permanent;
}
